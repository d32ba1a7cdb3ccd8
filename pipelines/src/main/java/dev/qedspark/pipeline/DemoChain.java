package dev.qedspark.pipeline;

import static org.apache.spark.sql.functions.col;

import dev.qedspark.ingest.Ingest;
import dev.qedspark.ingest.SourceSpec;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.llm.LlmMap;
import java.util.List;

/**
 * The demo as a chain declaration: ingest the bundled sources, curate them, ask the
 * {@code teacher} role for proofs of the first few IMO-ProofBench problems, and have the judges
 * grade them with the configured grading ({@code rubric} by default, IMO-ProofBench's grading
 * guidelines serving as the rubric; {@code --set grading.protocol=imo-proofbench} grades against
 * the reference solutions as IMO-ProofBench does), and turn proofs and grades into
 * FineProofs-SFT. Each step writes into
 * its own folder under the demo's root; a second run skips every step that is up to date.
 */
public final class DemoChain {
  public static final String INGEST = "ingest";
  public static final String CURATE = "curate";
  public static final String GENERATE = "generate";
  public static final String GRADE = "grade";
  public static final String SFT = "sft";

  private DemoChain() {}

  /** A condition that picks the first {@code n} IMO-ProofBench problems by id. */
  private static String firstProofBenchProblems(Stages stages, String ingested, int n) {
    List<String> ids = DatasetReader.read(stages.spark(), ingested + "/" + Ingest.PROBLEMS)
        .filter(col("source").equalTo("imo-proofbench")).orderBy("problem_id").limit(n)
        .select("problem_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    return "problem_id IN (" + String.join(", ", ids.stream().map(id -> "'" + id.replace("'", "''") + "'").toList()) + ")";
  }

  /**
   * @param problems how many IMO-ProofBench problems to ask proofs for
   * @param samples proofs per problem
   */
  public static Chain of(Stages stages, List<SourceSpec> sources, String root, int problems, int samples) {
    String ingested = root + "/" + INGEST;
    return Chain.of(
        Chain.step(INGEST, () -> stages.ingest(sources).into(ingested)),
        Chain.step(CURATE, () -> stages.curate(ingested + "/" + Ingest.PROBLEMS, List.of()).into(root + "/" + CURATE)),
        Chain.step(GENERATE, () -> stages.generate(ingested + "/" + Ingest.PROBLEMS, firstProofBenchProblems(stages, ingested, problems),
            samples).into(root + "/" + GENERATE)),
        Chain.step(GRADE, () -> stages.grade(root + "/" + GENERATE + "/" + LlmMap.GENERATIONS, ingested + "/" + Ingest.PROBLEMS)
            .into(root + "/" + GRADE)),
        Chain.step(SFT, () -> stages.sft(root + "/" + GENERATE + "/" + LlmMap.GENERATIONS, root + "/" + GRADE,
            ingested + "/" + Ingest.PROBLEMS, null).into(root + "/" + SFT)));
  }
}
