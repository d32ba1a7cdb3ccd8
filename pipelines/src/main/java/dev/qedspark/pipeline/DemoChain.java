package dev.qedspark.pipeline;

import static org.apache.spark.sql.functions.col;

import dev.qedspark.ingest.Ingest;
import dev.qedspark.ingest.SourceSpec;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.llm.LlmMap;
import dev.qedspark.proofs.ProofPrompt;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The demo as a chain declaration: ingest the bundled sources, curate them, ask the
 * {@code teacher} role for proofs of the first few IMO-ProofBench problems, and have the judges
 * grade them with the configured grading ({@code rubric} by default, IMO-ProofBench's grading
 * guidelines serving as the rubric; {@code --set grading.protocol=imo-proofbench} grades against
 * the reference solutions as IMO-ProofBench does). Each step writes into
 * its own folder under the demo's root; a second run skips every step that is up to date.
 */
public final class DemoChain {
  public static final String INGEST = "ingest";
  public static final String CURATE = "curate";
  public static final String GENERATE = "generate";
  public static final String GRADE = "grade";
  public static final String TEACHER = "teacher";

  private DemoChain() {}

  /**
   * @param problems how many IMO-ProofBench problems to ask proofs for
   * @param samples proofs per problem
   */
  public static Chain of(Stages stages, List<SourceSpec> sources, String root, int problems, int samples) {
    String ingested = root + "/" + INGEST;
    return Chain.of(
        Chain.step(INGEST, () -> stages.ingest(sources).into(ingested)),
        Chain.step(CURATE, () -> stages.curate(ingested + "/" + Ingest.PROBLEMS, List.of()).into(root + "/" + CURATE)),
        Chain.step(GENERATE, () -> {
          String path = ingested + "/" + Ingest.PROBLEMS;
          Dataset<Row> chosen = DatasetReader.read(stages.spark(), path)
              .filter(col("source").equalTo("imo-proofbench")).orderBy("problem_id").limit(problems)
              .select("problem_id", "problem");
          return stages.llm(TEACHER, chosen)
              .inputs(List.of(path))
              .keyedBy("problem_id").prompt(ProofPrompt.NAME, ProofPrompt.SHA256, new ProofPrompt()).samples(samples)
              .named(GENERATE).into(root + "/" + GENERATE);
        }),
        Chain.step(GRADE, () -> stages.grade(root + "/" + GENERATE + "/" + LlmMap.GENERATIONS, ingested + "/" + Ingest.PROBLEMS)
            .into(root + "/" + GRADE)));
  }
}
