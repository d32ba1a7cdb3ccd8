package dev.qedspark.jobs;

import dev.qedspark.config.QedConfig;
import dev.qedspark.curation.FilterReport;
import dev.qedspark.curation.RubricsReport;
import dev.qedspark.grading.GradeReport;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.jobs.cli.UsageException;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.pipeline.Chain;
import dev.qedspark.pipeline.DatasetsChain;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.rl.RlReport;
import dev.qedspark.sft.SftReport;
import dev.qedspark.spark.SparkSessions;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

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
        OptionSpec.flag("force", "run every step, even those that are up to date"));
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) {
    int samples = Arguments.positive(args, "samples", 1);
    SparkSession spark = SparkSessions.create(config.spark());
    try (Stages stages = Stages.with(spark, config)) {
      Chain chain = chain(stages, args, samples);
      chain.run(args.has("force"), step -> Summaries.printStep(step, out), step -> {
        Object result = step.result();
        if (result instanceof FilterReport f) {
          out.printf("filter: %,d kept, dropped %s, tags %s%n", f.kept(), f.droppedByReason(), f.tagsByStatus());
        } else if (result instanceof RubricsReport r) {
          out.printf("rubrics: schemes %s, problems by rubric source %s%n", r.byStatus(), r.byRubricSource());
        } else if (result instanceof GenerationReport g) {
          Summaries.printGeneration(g, stages.endpoint(Stages.TEACHER), out);
        } else if (result instanceof GradeReport g) {
          Summaries.printGrade(g, out);
        } else if (result instanceof SftReport s) {
          Summaries.printSft(s, out);
        } else if (result instanceof RlReport r) {
          out.printf("rl: %,d problems, %,d learnable; all: %s, learnable: %s%n", r.problems(), r.learnable(), r.allPath(), r.learnablePath());
        }
      });
      return 0;
    } finally {
      spark.stop();
    }
  }

  private static Chain chain(Stages stages, Arguments args, int samples) {
    try {
      return DatasetsChain.of(stages, args.value("problems"), args.value("out"), Set.copyOf(args.values("skip")), samples);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
