package dev.qedspark.jobs;

import dev.qedspark.config.QedConfig;
import dev.qedspark.eval.Benchmark;
import dev.qedspark.eval.Scaffold;
import dev.qedspark.grading.JudgeProtocol;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.jobs.cli.UsageException;
import dev.qedspark.pipeline.EvalChain;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** {@code ./qed eval}: a benchmark scored, from a model under test or from a file of responses. */
final class EvalJob implements Command {

  @Override
  public String name() {
    return "eval";
  }

  @Override
  public String summary() {
    return "Score a model on a benchmark (IMO-AnswerBench, IMO-ProofBench, ProofBench, your own): samples, summary, HTML report";
  }

  @Override
  public String description() {
    return """
        Reads the benchmark's problems (a source of the ingest catalog: imo-answerbench and
        imo-proofbench are bundled; add proofbench or your own to a catalog of yours and point
        ingest.sources at it), gets responses, scores them and summarizes:
          OUT/benchmark   the problems
          OUT/responses   the model under test (eval.role, the model role: --endpoint, --model)
                          answering each problem --runs times; or the --responses file as read
          OUT/samples     one row per problem and run: response, reasoning, graded proof or
                          extracted answer, score, max score, status, deciding method, judge answer
          OUT/summary.json  mean score % per run, avg@k with std, min and max, pass@k, bootstrap
                          interval, per level and category, truncated / failed / undecided
                          fractions, tokens and cost of passing and failing samples
          OUT/report.html   one self-contained page: tables, charts and every sample
        Answers: the last \\boxed{} (else an "answer is" line) is checked against the gold answer
        symbolically (fractions, decimals, radicals, pi, powers, sets, tuples, intervals, ...);
        what that cannot decide goes to the judge (grading.judges; eval.judge-undecided), and
        stays "undecided" (no score, not wrong) without one. Proofs: graded by the judges with
        the benchmark's protocol (imo-proofbench: 7/6/1/0; proofbench: 0-7). Judge failures
        never count as 0. Up-to-date steps are skipped; a killed run resumes from the cache.

        --scaffold spends more calls per problem for a better answer: self-verify (candidates,
        self-verification rated 0/0.5/1, refinement from the weakest critiques, best mean
        rating), reasoning-cache (reason, summarize in two paragraphs, reason again), rsa
        (a population merged a few at a time over rounds). Calls and tokens per response are
        in the summary; every call is cached, so a killed run resumes.

        --responses FILE grades responses made elsewhere (JSONL or Parquet rows with problem_id,
        response and optionally run), offline when the check decides everything.

        Examples:
          ./qed eval --benchmark imo-answerbench --responses answers.jsonl --out runs/eval-answers
          ./qed eval --benchmark imo-proofbench --runs 4 --out runs/eval-proofs \\
              --endpoint http://vllm:8000/v1 --model lm-provers/QED-Nano \\
              --set llm.roles.judge.endpoint=http://judge:8000/v1 --set llm.roles.judge.model=openai/gpt-oss-20b""";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.required("benchmark", "NAME", "a benchmark source of the ingest catalog (imo-answerbench, imo-proofbench, ...)"),
        OptionSpec.required("out", "DIR", "output folder"),
        OptionSpec.value("responses", "FILE", "grade these responses (JSONL or Parquet: problem_id, response, run) instead of generating"),
        OptionSpec.value("runs", "K", "responses per problem when generating (default 1)"),
        OptionSpec.value("limit", "N", "when generating, answer only the first N problems by id (a trial run)"),
        OptionSpec.value("scaffold", "S", "how the model answers: direct (default), self-verify, reasoning-cache, rsa (sizes: eval.scaffold.*)"),
        OptionSpec.value("kind", "KIND", "answer or proof, for a benchmark whose name does not say"),
        OptionSpec.value("protocol", "P", "judge protocol of a proof benchmark whose name does not say: imo-proofbench, proofbench, rubric"),
        OptionSpec.value("endpoint", "URL", "the model under test's server (sets llm.roles.model.endpoint)"),
        OptionSpec.value("model", "NAME", "the model name to ask for (sets llm.roles.model.model)"),
        OptionSpec.value("model-file", "FILE", "a GGUF model under test, run by the embedded engine (sets llm.roles.model.engine.model-file)"),
        OptionSpec.flag("force", "run every step, even those that are up to date"));
  }

  @Override
  public List<String> configOverrides(Arguments args) {
    List<String> overrides = new ArrayList<>();
    if (args.has("endpoint")) {
      overrides.add("llm.roles.model.endpoint=" + args.value("endpoint"));
    }
    if (args.has("model")) {
      overrides.add("llm.roles.model.model=" + args.value("model"));
    }
    if (args.has("model-file")) {
      overrides.add("llm.roles.model.engine.model-file=" + args.value("model-file"));
    }
    return overrides;
  }

  private static String scaffold(Arguments args) {
    String scaffold = args.value("scaffold", "direct");
    if (!Scaffold.NAMES.contains(scaffold)) {
      throw new UsageException("--scaffold is one of " + Scaffold.NAMES + ", not " + scaffold);
    }
    if (args.has("responses") && !scaffold.equals("direct")) {
      throw new UsageException("--scaffold makes responses; with --responses there is nothing to make");
    }
    return scaffold;
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) throws Exception {
    int runs = Arguments.positive(args, "runs", 1);
    Benchmark.Kind kind = null;
    if (args.has("kind")) {
      try {
        kind = Benchmark.Kind.valueOf(args.value("kind").toUpperCase());
      } catch (IllegalArgumentException e) {
        throw new UsageException("--kind is answer or proof, not " + args.value("kind"));
      }
    }
    JudgeProtocol protocol = args.has("protocol") ? JudgeProtocol.named(args.value("protocol")) : null;
    Benchmark.Kind asked = kind;
    return Chains.withStages(config, false, stages -> {
      Benchmark benchmark = Benchmark.named(args.value("benchmark"), stages.catalog(), asked, protocol);
      Chains.run(EvalChain.of(stages, benchmark, args.value("out"), args.value("responses"), runs,
          args.has("limit") ? Arguments.positive(args, "limit", 0) : 0, scaffold(args)), args.has("force"), out, step -> {});
      return 0;
    });
  }
}
