package dev.qedspark.pipeline;

import dev.qedspark.eval.Benchmark;
import dev.qedspark.eval.ResponsesFile;
import dev.qedspark.eval.Scaffold;
import dev.qedspark.ingest.Ingest;
import dev.qedspark.llm.LlmMap;
import java.util.List;

/**
 * A benchmark evaluation as a chain declaration: read the benchmark's problems
 * ({@code OUT/benchmark}), get the responses ({@code OUT/responses}: the model under test
 * answering each problem {@code runs} times, or a responses file read as it is), and score them
 * into {@code OUT} itself ({@code samples}, {@code summary.json}, {@code report.html}). Up-to-date
 * steps are skipped, and every LLM answer comes from the response cache when it can, so a killed
 * evaluation resumes where it stopped.
 */
public final class EvalChain {
  public static final String BENCHMARK = "benchmark";
  public static final String RESPONSES = "responses";
  public static final String EVAL = "eval";

  private EvalChain() {}

  /**
   * @param responsesFile a file of responses to grade, or null to generate them
   * @param runs responses per problem when generating
   * @param limit when generating, answer only the first {@code limit} problems by id (0: all)
   * @param scaffold how to generate: {@code direct} (one call) or a {@link Scaffold} name
   */
  public static Chain of(Stages stages, Benchmark benchmark, String root, String responsesFile, int runs, int limit, String scaffold) {
    return Chain.of(steps(stages, benchmark, root, responsesFile, runs, limit, scaffold).toArray(Chain.Step[]::new));
  }

  /** The chain's steps, for chains that end with an evaluation (the demo). */
  static List<Chain.Step> steps(Stages stages, Benchmark benchmark, String root, String responsesFile, int runs, int limit, String scaffold) {
    if (!Scaffold.NAMES.contains(scaffold)) {
      throw new IllegalArgumentException("there is no scaffold '" + scaffold + "'; the scaffolds are " + Scaffold.NAMES);
    }
    boolean direct = scaffold.equals("direct");
    String problems = root + "/" + BENCHMARK + "/" + Ingest.PROBLEMS;
    String responses = root + "/" + RESPONSES + "/" + (responsesFile != null ? ResponsesFile.RESPONSES
        : direct ? LlmMap.GENERATIONS : Scaffold.RESPONSES);
    String model = responsesFile != null ? "" : stages.endpoint(stages.evalRole()).model();
    String made = responsesFile != null ? "file" : scaffold;
    return List.of(
        Chain.step(BENCHMARK, () -> stages.ingest(List.of(benchmark.source())).into(root + "/" + BENCHMARK)),
        Chain.step(RESPONSES, () -> responsesFile != null
            ? stages.responsesFile(responsesFile, problems, root + "/" + BENCHMARK + "/" + Ingest.QUARANTINE).into(root + "/" + RESPONSES)
            : direct ? stages.respond(benchmark, problems, runs, limit).into(root + "/" + RESPONSES)
            : stages.scaffold(scaffold, benchmark, problems, runs, limit).into(root + "/" + RESPONSES)),
        Chain.step(EVAL, () -> stages.evaluate(benchmark, problems, responses, model).scaffold(made).into(root)));
  }
}
