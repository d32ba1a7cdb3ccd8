package dev.qedspark.pipeline;

import dev.qedspark.eval.Benchmark;
import dev.qedspark.eval.ResponsesFile;
import dev.qedspark.eval.Scaffold;
import dev.qedspark.ingest.Ingest;
import dev.qedspark.llm.LlmMap;
import dev.qedspark.llm.Role;
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
    return Chain.of(stages, steps(stages, benchmark, root, responsesFile, runs, limit, scaffold));
  }

  /** The chain's steps, for chains that end with an evaluation (the demo). */
  static List<Chain.Step> steps(Stages stages, Benchmark benchmark, String root, String responsesFile, int runs, int limit, String scaffold) {
    if (!Scaffold.NAMES.contains(scaffold)) {
      throw new IllegalArgumentException("there is no scaffold '" + scaffold + "'; the scaffolds are " + Scaffold.NAMES);
    }
    boolean direct = scaffold.equals("direct");
    String responses = responsesFile != null ? ResponsesFile.RESPONSES : direct ? LlmMap.GENERATIONS : Scaffold.RESPONSES;
    Role model = responsesFile != null ? null : stages.role(stages.evalRole());
    String made = responsesFile != null ? "file" : scaffold;
    Chain.Step respond = Chain.step(RESPONSES, root + "/" + RESPONSES).writes(responses)
        .reads("problems", Ref.output(BENCHMARK, Ingest.PROBLEMS));
    if (responsesFile != null) {
      respond.reads("file", Ref.path(responsesFile)).reads("quarantine", Ref.output(BENCHMARK, Ingest.QUARANTINE))
          .builds(in -> stages.responsesFile(in.path("file"), in.path("problems"), in.path("quarantine")));
    } else if (direct) {
      respond.builds(in -> stages.respond(benchmark, in.path("problems"), runs, limit));
    } else {
      respond.builds(in -> stages.scaffold(scaffold, benchmark, in.path("problems"), runs, limit));
    }
    return List.of(
        Chain.step(BENCHMARK, root + "/" + BENCHMARK).writes(Ingest.PROBLEMS, Ingest.QUARANTINE)
            .builds(in -> stages.ingest(List.of(benchmark.source()))),
        respond,
        Chain.step(EVAL, root).reads("problems", Ref.output(BENCHMARK, Ingest.PROBLEMS)).reads("responses", Ref.output(RESPONSES, responses))
            .builds(in -> stages.evaluate(benchmark, in.path("problems"), in.path("responses"), model).responses(made, responsesFile != null ? 0 : runs)));
  }
}
