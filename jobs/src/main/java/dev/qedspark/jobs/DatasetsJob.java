package dev.qedspark.jobs;

import dev.qedspark.config.QedConfig;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.jobs.cli.UsageException;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.LlmCalls;
import dev.qedspark.pipeline.Chain;
import dev.qedspark.pipeline.DatasetsChain;
import dev.qedspark.pipeline.Stages;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code ./qed datasets}: the FineProofs chain, filter to rl, skipping what is up to date. */
final class DatasetsJob implements Command {

  @Override
  public String name() {
    return "datasets";
  }

  @Override
  public String summary() {
    return "Build FineProofs-SFT and -RL from problems: filter, rubrics, generate, grade, rl, sft";
  }

  @Override
  public String description() {
    return """
        Runs the chain filter -> rubrics -> generate -> grade -> rl -> sft over a problems
        dataset (curated, usually), each step in OUT/<step>, each reading what the step
        before it wrote; --skip leaves a step out (its input passes on). Roles: filter.role
        (judge), rubrics.role and generate (teacher), grading.judges (judge), rl.role
        (policy); each is llm.roles.NAME, else llm.*, so --set llm.endpoint=URL points them all
        at one server.

        A step whose outputs are up to date is skipped, and every answer the response cache
        holds is reused: run again after adding problems and only the new ones are sent, at
        every step. RL at rl.rollouts = 128 is the expensive part: set llm.prices and
        llm.budget.max-cost first; a run stopped by the budget resumes where it stopped.

        --dry-run sends nothing and changes nothing in OUT: for each step it prints the
        requests a run would make, how many the response cache answers, and the rest with
        their estimated tokens and cost (prompt tokens at 4 characters per token, completion
        tokens at max_tokens: the most a request can be billed for; dollars from llm.prices).
        Steps after the first one that would run are counted as if every new problem passed
        the filter and got a valid rubric on the first try, so for new problems the counts
        are an upper bound; for cached ones they are exact.

        Example:
          ./qed datasets --problems runs/demo/curate/curated --out runs/fineproofs --samples 2 \\
              --set llm.endpoint=http://vllm:8000/v1 --set rl.rollouts=16""";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.required("problems", "DIR", "a problems dataset (curate's curated output, usually)"),
        OptionSpec.required("out", "DIR", "output root: one folder per step"),
        OptionSpec.repeated("skip", "STEP", "leave a step out: " + String.join(", ", DatasetsChain.STEPS)),
        OptionSpec.value("samples", "N", "teacher proofs per problem (default 1)"),
        OptionSpec.flag("force", "run every step, even those that are up to date"),
        OptionSpec.flag("dry-run", "send nothing: print what each step would send and its estimated tokens and cost"));
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) throws Exception {
    int samples = Arguments.positive(args, "samples", 1);
    if (args.has("dry-run")) {
      return Chains.withStages(config, true, stages -> dryRun(stages, args, samples, out));
    }
    return Chains.withStages(config, false, stages -> {
      Chains.run(chain(stages, args, samples), args.has("force"), out, step -> {});
      return 0;
    });
  }

  private static int dryRun(Stages stages, Arguments args, int samples, PrintStream out) {
    chain(stages, args, samples); // a step list that does not fit together stops here, before any work
    out.println("dry run: nothing is sent, nothing in " + args.value("out") + " changes. New problems are counted as if each"
        + " passed the filter and got a valid rubric at once: an upper bound.");
    List<GenerationReport> calls = new ArrayList<>();
    DatasetsChain.dryRun(stages, args.value("problems"), args.value("out"), Set.copyOf(args.values("skip")), samples,
        args.has("force"), step -> {
          if (!step.ran()) {
            Chains.printStep(step, out);
          }
        }, step -> {
          out.printf("%n[%d/%d] %s%n", step.index(), step.steps(), step.name());
          Map<String, GenerationReport> stepCalls = step.result() instanceof LlmCalls c ? c.llmCalls() : Map.of();
          if (stepCalls.isEmpty()) {
            out.println("  no LLM requests");
          }
          stepCalls.forEach((name, call) -> call.printPlanned(name, out));
          calls.addAll(stepCalls.values());
        });
    out.println();
    GenerationReport.sum(calls).printPlanned("total", out);
    return 0;
  }

  /** The chain; a step list that does not fit together is a usage error. */
  private static Chain chain(Stages stages, Arguments args, int samples) {
    try {
      return DatasetsChain.of(stages, args.value("problems"), args.value("out"), Set.copyOf(args.values("skip")), samples);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
