package dev.qedspark.pipeline;

import dev.qedspark.common.ConfigException;
import dev.qedspark.io.DatasetSettings;
import dev.qedspark.stage.Stage;
import dev.qedspark.stage.StageResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A declared graph of steps and the one runner for it. Each step names its output folder, the
 * outputs it writes, and its inputs as {@link Ref}s to other steps' outputs (or to paths from
 * outside); it builds its stage from the resolved paths only when its turn comes, so it can read
 * what the steps before it wrote. Every command that runs stages is such a chain: one step for
 * {@code ./qed filter}, fourteen for {@code ./qed demo}.
 *
 * <p>Declaring the chain checks the graph (unknown steps, outputs a step does not declare,
 * cycles); {@link #run} checks that every outside input exists before any step runs, then runs
 * the steps in the order their references allow (declaration order where they are independent),
 * skipping each step whose outputs are up to date (made by the same step, from the same settings,
 * prompts and input content, and unchanged since), applying the {@code datasets.*} settings to
 * every stage, and reporting why each step runs.
 *
 * <pre>{@code
 * Chain.of(stages,
 *     Chain.step("ingest", root + "/ingest").writes(Ingest.PROBLEMS).builds(in -> stages.ingest(sources)),
 *     Chain.step("curate", root + "/curate").reads("problems", Ref.output("ingest", Ingest.PROBLEMS))
 *         .builds(in -> stages.curate(in.path("problems"), List.of())))
 *   .run(false, starting -> ..., done -> done.result().print(System.out));
 * }</pre>
 */
public final class Chain {
  /** A declared step: its name, folder, outputs, inputs, and how to build its stage. */
  public static final class Step {
    private final String name;
    private final String folder;
    private final List<String> outputs = new ArrayList<>();
    private final Map<String, Ref> inputs = new LinkedHashMap<>();
    private Function<Inputs, Stage<?, ?>> build;

    private Step(String name, String folder) {
      this.name = Objects.requireNonNull(name);
      this.folder = Objects.requireNonNull(folder);
    }

    /** Outputs this step writes that other steps may read (each is checked against the stage's own list when it is built). */
    public Step writes(String... names) {
      outputs.addAll(List.of(names));
      return this;
    }

    /** An input, named for the builder ({@link Inputs#path}), from {@code from}. */
    public Step reads(String input, Ref from) {
      if (inputs.put(input, Objects.requireNonNull(from)) != null) {
        throw new IllegalArgumentException("step " + name + " reads '" + input + "' twice");
      }
      return this;
    }

    /** How to build the stage from the resolved input paths; the chain sets its folder and datasets settings. */
    public Step builds(Function<Inputs, Stage<?, ?>> build) {
      this.build = Objects.requireNonNull(build);
      return this;
    }

    public String name() {
      return name;
    }
  }

  /** A step's inputs, resolved to paths. */
  public static final class Inputs {
    private final String step;
    private final Map<String, String> paths;

    private Inputs(String step, Map<String, String> paths) {
      this.step = step;
      this.paths = paths;
    }

    /** The path of input {@code name}. */
    public String path(String name) {
      String path = paths.get(name);
      if (path == null) {
        throw new IllegalStateException("step " + step + " does not declare an input '" + name + "'; it declares " + paths.keySet());
      }
      return path;
    }
  }

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
  private final Map<String, Step> byName = new LinkedHashMap<>();
  private final DatasetSettings datasets;
  private final Configuration hadoop;

  private Chain(Stages stages, List<Step> declared) {
    this.datasets = stages.datasetSettings();
    this.hadoop = stages.spark().sparkContext().hadoopConfiguration();
    for (Step step : declared) {
      if (step.build == null) {
        throw new IllegalArgumentException("step " + step.name + " does not say how to build its stage (builds)");
      }
      if (byName.put(step.name, step) != null) {
        throw new IllegalArgumentException("two steps are named " + step.name);
      }
    }
    for (Step step : declared) {
      step.inputs.forEach((input, ref) -> check(step, input, ref));
    }
    this.steps = ordered(declared);
  }

  /** A step named {@code name} writing into {@code folder}; declare its outputs, inputs and stage next. */
  public static Step step(String name, String folder) {
    return new Step(name, folder);
  }

  /** The chain of {@code steps}, checked: every reference names a step of the chain and an output it declares, with no cycle. */
  public static Chain of(Stages stages, List<Step> steps) {
    return new Chain(stages, steps);
  }

  public static Chain of(Stages stages, Step... steps) {
    return of(stages, List.of(steps));
  }

  /** The steps' names in the order they run. */
  public List<String> order() {
    return steps.stream().map(Step::name).toList();
  }

  private void check(Step step, String input, Ref ref) {
    if (ref.outside()) {
      return;
    }
    Step from = byName.get(ref.step());
    if (from == null) {
      throw new IllegalArgumentException("step " + step.name + " reads " + input + " from step " + ref.step()
          + ", which is not in the chain (the steps are " + byName.keySet() + ")");
    }
    if (ref.output() != null && !from.outputs.contains(ref.output())) {
      throw new IllegalArgumentException("step " + step.name + " reads " + input + " from " + ref + ", but step " + ref.step()
          + " writes only " + from.outputs);
    }
  }

  /** The steps in an order where each comes after the steps it reads from; declaration order among independent ones. */
  private static List<Step> ordered(List<Step> declared) {
    List<Step> order = new ArrayList<>();
    List<Step> left = new ArrayList<>(declared);
    while (!left.isEmpty()) {
      Step next = left.stream().filter(s -> s.inputs.values().stream().allMatch(r -> r.outside() || order.stream()
          .anyMatch(done -> done.name.equals(r.step())))).findFirst().orElseThrow(() -> new IllegalArgumentException(
              "the steps " + left.stream().map(Step::name).toList() + " read from each other in a cycle"));
      order.add(next);
      left.remove(next);
    }
    return order;
  }

  /** The path a reference stands for. */
  private String resolve(Ref ref) {
    if (ref.outside()) {
      return ref.path();
    }
    String folder = byName.get(ref.step()).folder;
    return ref.output() == null ? folder : folder + "/" + ref.output();
  }

  /** Builds a step's stage from its resolved inputs, named after the step, into its folder, with the chain's datasets settings. */
  private Stage<?, ?> build(Step step) {
    Map<String, String> paths = new LinkedHashMap<>();
    step.inputs.forEach((input, ref) -> paths.put(input, resolve(ref)));
    Stage<?, ?> stage = step.build.apply(new Inputs(step.name, paths));
    for (String output : step.outputs) {
      if (!stage.outputs().contains(output)) {
        throw new IllegalStateException("step " + step.name + " declares output " + output + ", which its stage "
            + stage.name() + " does not write (it writes " + stage.outputs() + ")");
      }
    }
    return stage.named(step.name).datasets(datasets).into(step.folder);
  }

  /** Every outside input must exist: a wrong path stops the chain before any step runs. */
  private void checkOutsideInputs() {
    for (Step step : steps) {
      for (Map.Entry<String, Ref> input : step.inputs.entrySet()) {
        if (input.getValue().outside() && !exists(input.getValue().path())) {
          throw new ConfigException("step " + step.name + " reads " + input.getKey() + " from " + input.getValue().path()
              + ", which does not exist: check the path");
        }
      }
    }
  }

  private boolean exists(String path) {
    Path p = new Path(path);
    try {
      return p.getFileSystem(hadoop).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * The leading steps whose outputs are up to date: those a run skips before the first step it
   * runs. (A later step may look up to date now and still run, after a step before it has.)
   */
  public List<String> upToDate() {
    checkOutsideInputs();
    List<String> names = new ArrayList<>();
    for (Step step : steps) {
      if (build(step).staleness() != null) {
        break;
      }
      names.add(step.name);
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
    checkOutsideInputs();
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      long started = System.nanoTime();
      Stage<?, ?> stage = build(step);
      String staleness = stage.staleness();
      if (staleness == null && !force) {
        Outcome skipped = new Outcome(i + 1, steps.size(), step.name, false, "up to date", null, step.folder, 0);
        before.accept(skipped);
        outcomes.add(skipped);
        continue;
      }
      String reason = force ? "forced" : staleness;
      before.accept(new Outcome(i + 1, steps.size(), step.name, true, reason, null, step.folder, 0));
      StageResult result = stage.execute();
      Outcome done = new Outcome(i + 1, steps.size(), step.name, true, reason, result, step.folder, (System.nanoTime() - started) / 1e9);
      after.accept(done);
      outcomes.add(done);
    }
    return outcomes;
  }
}
