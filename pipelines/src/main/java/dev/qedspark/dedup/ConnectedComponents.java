package dev.qedspark.dedup;

import dev.qedspark.spark.SparkJobs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Connected components of an undirected graph by iterative min-label propagation: every node
 * starts with its own id as label and takes the least label among itself and its neighbours until
 * no label changes. Each round is a join and an aggregation, so it scales with the cluster and
 * never collects the graph; rounds are bounded by the longest shortest path in a component.
 */
final class ConnectedComponents {
  private ConnectedComponents() {}

  /**
   * @param edges rows {@code (a, b)} of node ids
   * @return rows {@code (problem_id, component)}, the component named by its least id
   */
  static Dataset<Row> of(Dataset<Row> edges) {
    Dataset<Row> both = edges.select(col("a").as("src"), col("b").as("dst"))
        .union(edges.select(col("b").as("src"), col("a").as("dst")))
        .distinct()
        .localCheckpoint();
    Dataset<Row> labels = both.select(col("src").as("node")).distinct()
        .withColumn("label", col("node"))
        .localCheckpoint();
    for (int round = 1; ; round++) {
      Dataset<Row> offered = both.join(labels, both.col("src").equalTo(labels.col("node")))
          .select(col("dst").as("node"), col("label"));
      Dataset<Row> next = offered.union(labels.select("node", "label"))
          .groupBy("node").agg(min("label").as("label"));
      Dataset<Row> previous = labels;
      Dataset<Row> checkpointed = SparkJobs.named(edges.sparkSession(), "dedup: connected components, round " + round,
          () -> next.localCheckpoint());
      long changed = SparkJobs.named(edges.sparkSession(), "dedup: connected components, round " + round + " changes",
          () -> checkpointed.join(previous.withColumnRenamed("label", "old"), "node").filter(col("label").notEqual(col("old"))).count());
      labels = checkpointed;
      if (changed == 0) {
        return labels.select(col("node").as("problem_id"), col("label").as("component"));
      }
    }
  }
}
