package dev.qedspark.decontam;

import dev.qedspark.spark.SparkJobs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.length;

import dev.qedspark.text.SentenceEmbedder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The embedding signal of decontamination: the cosine of each corpus problem's all-MiniLM-L6-v2
 * embedding with the nearest benchmark problem's. Benchmarks are embedded once, on the driver,
 * and broadcast; each distinct normalized corpus text is embedded once, on the executors, in
 * batches of similar length (sorted within partitions, so batches pad little), with the model
 * loaded once per executor thread and given the task's share of the cores ({@code spark.task.cpus})
 * as ONNX Runtime threads, so concurrent tasks do not oversubscribe the machine.
 */
final class EmbeddingMatches {
  static final int BATCH = 32;

  static final StructType COSINES = new StructType()
      .add("normalized", DataTypes.StringType, false)
      .add("embedding_match", DataTypes.StringType, false)
      .add("cosine", DataTypes.DoubleType, false);

  private EmbeddingMatches() {}

  /**
   * @param corpus rows with {@code normalized} and {@code problem}
   * @param benchmarks rows with {@code problem_id} and {@code problem}
   * @return per distinct normalized text at or over the threshold: the nearest benchmark and the cosine
   */
  static Dataset<Row> of(Dataset<Row> corpus, Dataset<Row> benchmarks, double threshold) {
    List<Row> bench = SparkJobs.named(corpus.sparkSession(), "decontaminate: collect the benchmarks to embed",
        () -> benchmarks.select("problem_id", "problem").orderBy("problem_id").collectAsList());
    List<String> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    bench.forEach(r -> {
      ids.add(r.getString(0));
      texts.add(r.getString(1));
    });
    float[][] vectors = embedAll(texts);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(corpus.sparkSession().sparkContext());
    Broadcast<float[][]> benchmarkVectors = jsc.broadcast(vectors);
    Broadcast<List<String>> benchmarkIds = jsc.broadcast(ids);

    // One partition per core at least: adaptive execution would otherwise coalesce a small shuffle
    // into one task, and one task embeds on one core. A large corpus keeps its shuffle partitions.
    int partitions = Math.max(corpus.sparkSession().sparkContext().defaultParallelism(),
        Integer.parseInt(corpus.sparkSession().conf().get("spark.sql.shuffle.partitions")));
    Dataset<Row> distinct = corpus.groupBy("normalized").agg(first("problem").as("problem"))
        .repartition(partitions)
        .sortWithinPartitions(length(col("problem")));
    JavaRDD<Row> matches = distinct.javaRDD().mapPartitions(rows -> {
      List<Row> out = new ArrayList<>();
      List<Row> batch = new ArrayList<>(BATCH);
      while (rows.hasNext()) {
        batch.add(rows.next());
        if (batch.size() == BATCH || !rows.hasNext()) {
          float[][] embedded = SentenceEmbedder.shared(org.apache.spark.TaskContext.get().cpus()).embed(batch.stream().map(r -> r.getString(1)).toList());
          for (int i = 0; i < batch.size(); i++) {
            int best = -1;
            double bestCosine = -2;
            for (int b = 0; b < benchmarkVectors.value().length; b++) {
              double cosine = SentenceEmbedder.cosine(embedded[i], benchmarkVectors.value()[b]);
              if (cosine > bestCosine) {
                best = b;
                bestCosine = cosine;
              }
            }
            if (best >= 0 && bestCosine >= threshold) {
              out.add(RowFactory.create(batch.get(i).getString(0), benchmarkIds.value().get(best), bestCosine));
            }
          }
          batch.clear();
        }
      }
      return out.iterator();
    });
    return corpus.sparkSession().createDataFrame(matches, COSINES);
  }

  private static float[][] embedAll(List<String> texts) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingInt(i -> texts.get(i).length()));
    float[][] out = new float[texts.size()][];
    for (int start = 0; start < order.size(); start += BATCH) {
      List<Integer> chunk = order.subList(start, Math.min(order.size(), start + BATCH));
      float[][] embedded = SentenceEmbedder.shared().embed(chunk.stream().map(texts::get).toList());
      for (int i = 0; i < chunk.size(); i++) {
        out[chunk.get(i)] = embedded[i];
      }
    }
    return out;
  }
}
