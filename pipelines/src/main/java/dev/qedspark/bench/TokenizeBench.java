package dev.qedspark.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.qedspark.io.DatasetWriter;
import dev.qedspark.train.ChatTokenizer;
import dev.qedspark.train.ShardSettings;
import dev.qedspark.train.ShardsReport;
import dev.qedspark.train.TokenizerFiles;
import dev.qedspark.train.TrainingShards;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ./qed shards}' work (chat template, tokenization, loss mask, packing, Parquet) in
 * tokens/s, beside the bare tokenizer encoding the already-templated texts in batches (Hugging
 * Face tokenizers spread a batch over every core).
 */
final class TokenizeBench {
  static final String SECTION = "tokenize and pack";
  private static final StructType MESSAGE = new StructType().add("role", DataTypes.StringType).add("content", DataTypes.StringType);
  private static final StructType SFT = new StructType().add("problem_id", DataTypes.StringType).add("sample_index", DataTypes.IntegerType)
      .add("messages", DataTypes.createArrayType(MESSAGE));

  private TokenizeBench() {}

  static Measurement run(SparkSession spark, ShardSettings shards, int conversations, Path scratch) throws Exception {
    List<String> seeds = LabelledCorpus.seeds();
    List<Row> rows = new ArrayList<>();
    List<List<Map<String, Object>>> messages = new ArrayList<>();
    for (int i = 0; i < conversations; i++) {
      String problem = LabelledCorpus.distinctProblem(seeds, i);
      String proof = "<think>\nFirst restate: " + problem + "\n</think>\n\n" + seeds.get((i * 7 + 3) % seeds.size()).repeat(1 + i % 3);
      rows.add(RowFactory.create(String.format("c%06d", i), 0, List.of(RowFactory.create("user", problem), RowFactory.create("assistant", proof))));
      messages.add(List.of(Map.of("role", "user", "content", problem), Map.of("role", "assistant", "content", proof)));
    }
    String sft = scratch.resolve("sft").toString();
    DatasetWriter.of(spark.createDataFrame(rows, SFT)).to(sft).named("default").keyedBy("problem_id", "sample_index").execute();
    ShardSettings settings = shards.withSeqLen(4096).withCount(2).withMmapFiles(false);

    TrainingShards.of(spark, sft, "packed", settings).into(scratch.resolve("warm-up").toString()).execute();
    long started = System.nanoTime();
    ShardsReport report = TrainingShards.of(spark, sft, "packed", settings).into(scratch.resolve("shards").toString()).execute();
    double seconds = (System.nanoTime() - started) / 1e9;

    ChatTokenizer chat = ChatTokenizer.of(TokenizerFiles.read(settings.tokenizer(), spark.sparkContext().hadoopConfiguration()));
    List<String> texts = new ArrayList<>();
    for (List<Map<String, Object>> conversation : messages) {
      texts.add(chat.render(conversation, false));
    }
    double bareSeconds;
    long bareTokens = 0;
    try (HuggingFaceTokenizer bare = HuggingFaceTokenizer.newInstance(Path.of(settings.tokenizer(), "tokenizer.json"),
        Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"))) {
      bare.batchEncode(texts.subList(0, Math.min(256, texts.size())));
      long bareStarted = System.nanoTime();
      for (int start = 0; start < texts.size(); start += 256) {
        for (Encoding e : bare.batchEncode(texts.subList(start, Math.min(texts.size(), start + 256)))) {
          bareTokens += e.getIds().length;
        }
      }
      bareSeconds = (System.nanoTime() - bareStarted) / 1e9;
    }
    return Measurement.of(SECTION, "shards --format packed (Qwen3)", report.written(), report.tokens() / seconds, "tokens/s",
            String.format("%.1f s for %,d tokens in %d sequences (%.1f%% padding); baseline %.1f s for %,d tokens", seconds, report.tokens(),
                report.sequences(), 100 * report.paddingFraction(), bareSeconds, bareTokens))
        .against("bare tokenizer, templated texts, batches of 256", bareTokens / bareSeconds);
  }
}
