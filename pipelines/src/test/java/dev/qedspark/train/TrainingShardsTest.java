package dev.qedspark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.io.DatasetReader;
import dev.qedspark.io.DatasetWriter;
import dev.qedspark.spark.SparkTestBase;
import dev.qedspark.testing.Qwen3Tokenizer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packed shards round-trip with Qwen3's real tokenizer: every packed segment decodes to exactly its
 * chat-templated conversation, the masked tokens are exactly the assistant turns, and every input
 * example is either packed once or rejected with its reason.
 */
class TrainingShardsTest extends SparkTestBase {
  private static final StructType MESSAGE = new StructType().add("role", DataTypes.StringType).add("content", DataTypes.StringType);
  private static final StructType SFT = new StructType().add("problem_id", DataTypes.StringType).add("sample_index", DataTypes.IntegerType)
      .add("messages", DataTypes.createArrayType(MESSAGE));
  @TempDir Path dir;

  private static Row conversation(String id, String... roleContent) {
    List<Row> messages = new ArrayList<>();
    for (int i = 0; i < roleContent.length; i += 2) {
      messages.add(RowFactory.create(roleContent[i], roleContent[i + 1]));
    }
    return RowFactory.create(id, 0, messages);
  }

  private String sftDataset() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String problem = "Problem " + i + ": prove that $n^" + (i + 2) + " - n$ is divisible by " + (i + 2) + " when it is prime. ".repeat(1 + i % 4);
      rows.add(conversation("p" + i, "user", problem, "assistant",
          "<think>\nTry Fermat: $a^p \\equiv a$.\n</think>\n\nBy Fermat's little theorem, done. ∎ ".repeat(1 + i % 5)));
    }
    rows.add(conversation("multi", "system", "Be rigorous.", "user", "First?", "assistant", "<think>a</think>One.", "user", "Second?",
        "assistant", "<think>\nb\n</think>\n\nTwo."));
    rows.add(conversation("no-answer", "user", "Only a question."));
    rows.add(rows.get(0)); // the same conversation twice: one id for two rows
    rows.add(conversation("huge", "user", "Long.", "assistant", "word ".repeat(2_000)));
    String path = dir.resolve("sft").toString();
    DatasetWriter.of(spark.createDataFrame(rows, SFT)).to(path).named("default").keyedBy("problem_id", "sample_index").shards(2).execute();
    return path;
  }

  @Test
  void packedSequencesDecodeToTheTemplatedExamplesAndMaskExactlyTheAssistantTurns() throws Exception {
    String sft = sftDataset();
    ShardSettings settings = ShardSettings.DEFAULTS.withTokenizer(Qwen3Tokenizer.folder().toString()).withSeqLen(512).withCount(2)
        .withMmapFiles(true);
    String out = dir.resolve("shards").toString();
    ShardsReport report = TrainingShards.of(spark, sft, "packed", settings).into(out).execute();

    assertEquals(34, report.examples());
    assertEquals(Map.of("duplicate_id", 1L, "no_assistant_turn", 1L, "too_long", 1L), report.rejected());
    assertEquals(31, report.written());
    ChatTokenizer tokenizer = ChatTokenizer.of(TokenizerFiles.read(settings.tokenizer(), spark.sparkContext().hadoopConfiguration()));
    Map<String, List<Map<String, Object>>> conversations = new HashMap<>();
    for (Row r : DatasetReader.read(spark, sft).selectExpr("concat(problem_id, '#', CAST(sample_index AS STRING))", "messages").collectAsList()) {
      conversations.put(r.getString(0), TrainingShards.messages(r));
    }
    TreeSet<String> packedIds = new TreeSet<>();
    long tokens = 0;
    long trained = 0;
    long[] perShard = new long[2];
    List<Row> packed = DatasetReader.read(spark, out + "/packed").orderBy("shard", "sequence").collectAsList();
    for (Row row : packed) {
      int[] ids = row.<Integer>getList(2).stream().mapToInt(Integer::intValue).toArray();
      List<Byte> mask = row.getList(3);
      List<Integer> positions = row.getList(4);
      List<Integer> segments = row.getList(5);
      List<Integer> cu = row.getList(6);
      List<String> exampleIds = row.getList(9);
      assertEquals(512, ids.length);
      for (int e = 0; e < exampleIds.size(); e++) {
        String id = exampleIds.get(e);
        assertTrue(packedIds.add(id), id + " is packed once");
        int start = cu.get(e);
        int end = cu.get(e + 1);
        assertEquals(tokenizer.render(conversations.get(id), false), tokenizer.decode(java.util.Arrays.copyOfRange(ids, start, end)),
            "segment " + e + " of shard " + row.getInt(0) + " sequence " + row.getInt(1) + " is " + id + " as the chat template renders it");
        List<String> assistantTurns = tokenizer.pieces(conversations.get(id)).stream().filter(ChatTokenizer.Piece::trained)
            .map(ChatTokenizer.Piece::text).toList();
        assertEquals(assistantTurns, maskedRuns(ids, mask, start, end, tokenizer), id + ": the masked tokens are the assistant turns");
        for (int t = start; t < end; t++) {
          assertEquals(t - start, positions.get(t), "positions restart at each example");
          assertEquals(e + 1, segments.get(t));
        }
      }
      for (int t = cu.get(cu.size() - 1); t < 512; t++) {
        assertEquals(0, segments.get(t), "padding is segment 0");
        assertEquals(0, (int) mask.get(t), "padding is not trained");
      }
      tokens += row.getInt(7);
      trained += row.getInt(8);
      perShard[row.getInt(0)] += row.getInt(7);
    }
    assertEquals(31, packedIds.size());
    assertTrue(packedIds.contains("multi#0"));
    assertEquals(report.tokens(), tokens);
    assertEquals(report.trainedTokens(), trained);
    assertEquals(List.of(perShard[0], perShard[1]), report.shardTokens());
    assertTrue(Math.abs(perShard[0] - perShard[1]) <= 512, "shards balanced by tokens");
    assertEquals(1.0 - (double) tokens / (packed.size() * 512L), report.paddingFraction(), 1e-12);
    List<String> rejected = DatasetReader.read(spark, out + "/rejected").orderBy("example_id").selectExpr("concat(example_id, ':', reason)")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(List.of("huge#0:too_long", "no-answer#0:no_assistant_turn", "p0#0:duplicate_id"), rejected);

    for (int shard = 0; shard < 2; shard++) {
      int s = shard;
      assertTokenFileMatches(Path.of(out, TokenFile.name(shard)), packed.stream().filter(r -> r.getInt(0) == s).toList());
    }
    assertNull(TrainingShards.of(spark, sft, "packed", settings).into(out).staleness(), "a second run has nothing to do");
  }

  /** The decoded texts of the maximal runs of mask 1 in [start, end). */
  private static List<String> maskedRuns(int[] ids, List<Byte> mask, int start, int end, ChatTokenizer tokenizer) {
    List<String> runs = new ArrayList<>();
    int t = start;
    while (t < end) {
      if (mask.get(t) == 0) {
        t++;
        continue;
      }
      int from = t;
      while (t < end && mask.get(t) == 1) {
        t++;
      }
      runs.add(tokenizer.decode(java.util.Arrays.copyOfRange(ids, from, t)));
    }
    return runs;
  }

  private static void assertTokenFileMatches(Path file, List<Row> sequences) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[8];
    b.get(magic);
    assertArrayEquals(TokenFile.MAGIC, magic);
    int seqLen = b.getInt();
    b.getInt();
    long count = b.getLong();
    long examples = b.getLong();
    assertEquals(512, seqLen);
    assertEquals(sequences.size(), count);
    List<Integer> lengths = new ArrayList<>();
    for (Row row : sequences) {
      for (int t = 0; t < seqLen; t++) {
        assertEquals(row.<Integer>getList(2).get(t).intValue(), b.getInt(), "token " + t);
      }
      for (int t = 0; t < seqLen; t++) {
        assertEquals(row.<Byte>getList(3).get(t).byteValue(), b.get());
      }
      List<Integer> cu = row.getList(6);
      for (int e = 0; e + 1 < cu.size(); e++) {
        lengths.add(cu.get(e + 1) - cu.get(e));
      }
    }
    assertEquals(lengths.size(), examples);
    long[] starts = new long[(int) examples];
    for (int e = 0; e < examples; e++) {
      starts[e] = b.getLong();
    }
    for (int e = 0; e < examples; e++) {
      assertEquals(lengths.get(e).intValue(), b.getInt());
    }
    assertEquals(0, b.remaining());
    assertEquals(0, starts[0]);
  }

  @Test
  void aSetWithNothingToTrainOnFailsSayingWhy() throws Exception {
    String path = dir.resolve("questions").toString();
    DatasetWriter.of(spark.createDataFrame(List.of(conversation("q1", "user", "Why?"), conversation("q2", "user", "How?")), SFT))
        .to(path).named("default").keyedBy("problem_id", "sample_index").shards(1).execute();
    dev.qedspark.common.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(dev.qedspark.common.ConfigException.class,
        () -> TrainingShards.of(spark, path, "packed", ShardSettings.DEFAULTS.withTokenizer(Qwen3Tokenizer.folder().toString()))
            .into(dir.resolve("none").toString()).execute());
    assertTrue(e.getMessage().startsWith("0 packed sequences of 4096 tokens (from 0 examples; rejected {no_assistant_turn=2})"), e.getMessage());
    assertTrue(e.getMessage().contains("every shard (one per trainer rank) needs at least one"), e.getMessage());
  }

  @Test
  void messagesFormatPassesConversationsThroughInShards() throws Exception {
    String sft = sftDataset();
    ShardsReport report = TrainingShards.of(spark, sft, "messages", ShardSettings.DEFAULTS.withCount(3)).into(dir.resolve("m").toString()).execute();
    assertEquals(34, report.written());
    assertEquals(List.of(12L, 11L, 11L), report.shardTokens(), "round robin: shards differ by one row at most");
    assertEquals(List.of("example_id", "messages"), List.of(DatasetReader.read(spark, report.dataset()).columns()));
  }
}
