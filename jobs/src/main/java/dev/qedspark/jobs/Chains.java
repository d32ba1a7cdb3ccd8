package dev.qedspark.jobs;

import dev.qedspark.config.QedConfig;
import dev.qedspark.pipeline.Chain;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.spark.SparkSessions;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/** How every command runs its work: one Spark session and one {@link Stages} per job, a chain run with each step printed. */
final class Chains {
  private Chains() {}

  /** Work to do with a job's stages; returns the exit code. */
  @FunctionalInterface
  interface Job {
    int run(Stages stages) throws Exception;
  }

  /** Starts Spark and the stages from {@code config}, runs {@code job}, and stops them whatever happens. */
  static int withStages(QedConfig config, boolean dryRun, Job job) throws Exception {
    SparkSession spark = SparkSessions.create(config.spark());
    try (Stages stages = dryRun ? Stages.dryRun(spark, config) : Stages.with(spark, config)) {
      return job.run(stages);
    } finally {
      spark.stop();
    }
  }

  /**
   * Runs {@code chain}, printing each step as it starts or is skipped, and its result when done.
   *
   * @param force run every step, even those that are up to date
   * @param after called after a step's result is printed (the demo prints a sample of what it wrote)
   */
  static List<Chain.Outcome> run(Chain chain, boolean force, PrintStream out, Consumer<Chain.Outcome> after) {
    return chain.run(force, step -> printStep(step, out), step -> {
      step.result().print(out);
      after.accept(step);
    });
  }

  /** A chain step about to run, or skipped. */
  static void printStep(Chain.Outcome step, PrintStream out) {
    out.println();
    out.printf("[%d/%d] %s: %s%n", step.index(), step.steps(), step.name(),
        step.ran() ? "runs, because " + step.reason() : "skipped, up to date (" + step.path() + "); --force runs it again");
  }
}
