package dev.qedspark.pipeline;

import dev.qedspark.stage.Stage;
import dev.qedspark.stage.StageResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Steps declared in order and run by one runner that skips every step whose outputs are up to
 * date: made by the same step, from the same settings, prompts and input content, and unchanged
 * since. A step is built only when its turn comes, so it can read what earlier steps wrote.
 *
 * <pre>{@code
 * Chain.of(
 *     Chain.step("ingest", () -> stages.ingest(sources).into(root + "/ingest")),
 *     Chain.step("curate", () -> stages.curate(root + "/ingest/problems", List.of()).into(root + "/curate")))
 *   .run(false, starting -> System.out.println(starting), done -> System.out.println(done.result()));
 * }</pre>
 */
public final class Chain {
  /** A declared step: its name and how to build its stage. */
  public record Step(String name, Supplier<Stage<?, ?>> stage) {}

  /**
   * What happened to one step.
   *
   * @param ran whether it ran (false: skipped as up to date)
   * @param reason why it ran, or why it was skipped
   * @param result the stage's result record when it ran, else null
   * @param path the step's output folder
   */
  public record Outcome(int index, int steps, String name, boolean ran, String reason, StageResult result, String path, double seconds) {}

  private final List<Step> steps;

  private Chain(List<Step> steps) {
    this.steps = List.copyOf(steps);
  }

  public static Step step(String name, Supplier<Stage<?, ?>> stage) {
    return new Step(name, stage);
  }

  public static Chain of(Step... steps) {
    return new Chain(List.of(steps));
  }

  /**
   * The leading steps whose outputs are up to date: those a run skips before the first step it
   * runs. (A later step may look up to date now and still run, after a step before it has.)
   */
  public List<String> upToDate() {
    List<String> names = new ArrayList<>();
    for (Step step : steps) {
      if (step.stage().get().staleness() != null) {
        break;
      }
      names.add(step.name());
    }
    return names;
  }

  /**
   * Runs the steps in order.
   *
   * @param force run every step even when up to date
   * @param before called when a step is about to run or has been skipped, before any work
   * @param after called when a step is done
   */
  public List<Outcome> run(boolean force, Consumer<Outcome> before, Consumer<Outcome> after) {
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      long started = System.nanoTime();
      Stage<?, ?> stage = step.stage().get();
      String staleness = stage.staleness();
      String path = stage.out();
      if (staleness == null && !force) {
        Outcome skipped = new Outcome(i + 1, steps.size(), step.name(), false, "up to date", null, path, 0);
        before.accept(skipped);
        outcomes.add(skipped);
        continue;
      }
      String reason = force ? "forced" : staleness;
      before.accept(new Outcome(i + 1, steps.size(), step.name(), true, reason, null, path, 0));
      StageResult result = stage.execute();
      Outcome done = new Outcome(i + 1, steps.size(), step.name(), true, reason, result, path, (System.nanoTime() - started) / 1e9);
      after.accept(done);
      outcomes.add(done);
    }
    return outcomes;
  }
}
