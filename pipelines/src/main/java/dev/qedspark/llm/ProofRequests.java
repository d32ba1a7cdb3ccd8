package dev.qedspark.llm;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Requests that ask a model to prove problems: one per problem and sample. */
public final class ProofRequests {
  /** The instruction put before each problem. */
  public static final String INSTRUCTION =
      "Solve the following olympiad problem. Give a complete, rigorous proof: state every claim and"
          + " justify each step, so that a strict grader could check it line by line.";

  private ProofRequests() {}

  /**
   * @param problems rows with at least {@code problem_id} and {@code problem}
   * @param samples how many proofs to ask for per problem
   */
  public static Dataset<Row> of(SparkSession spark, Dataset<Row> problems, int samples) {
    JavaRDD<Row> requests = problems.select("problem_id", "problem").javaRDD().flatMap(row -> {
      List<ChatMessage> messages = List.of(new ChatMessage("user", INSTRUCTION + "\n\nProblem:\n" + row.getString(1)));
      List<Row> out = new ArrayList<>();
      for (int s = 0; s < samples; s++) {
        out.add(GenerationRequest.SCHEMA.toRow(new GenerationRequest(row.getString(0), messages, s, null)));
      }
      return out.iterator();
    });
    return spark.createDataFrame(requests, GenerationRequest.SCHEMA.schema());
  }
}
