package dev.qedspark.jobs;

import dev.qedspark.config.QedConfig;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.pipeline.Chain;
import dev.qedspark.pipeline.Ref;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.stage.Stage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A command that runs one stage, as a one-step chain: like every step of {@code ./qed datasets}
 * or {@code ./qed demo}, it is skipped when its outputs are up to date (same settings, prompts
 * and input content as its last run, outputs unchanged), runs anyway with {@code --force},
 * commits its outputs as one run and prints the stage's result. A subclass only parses its
 * options into the stage.
 */
abstract class StageCommand implements Command {

  /** The options of the stage; {@code --force} is added. */
  protected abstract List<OptionSpec> stageOptions();

  /** The stage with its inputs, from the options (and a note to the user, if any, on {@code out}); the chain sets its folder. */
  protected abstract Stage<?, ?> stage(Stages stages, Arguments args, PrintStream out);

  /**
   * Checks the options that can be wrong on their own (numbers, names, combinations) before Spark
   * starts, so a mistake costs nothing; {@link #stage} may assume they are good.
   */
  protected void checkOptions(Arguments args) {}

  /** The options that name input datasets or files: each given one must exist before the stage is built. */
  protected List<String> inputOptions() {
    return List.of();
  }

  @Override
  public final List<OptionSpec> options() {
    List<OptionSpec> options = new ArrayList<>(stageOptions());
    options.add(OptionSpec.flag("force", "run even when the outputs are up to date"));
    return options;
  }

  @Override
  public final int run(Arguments args, QedConfig config, PrintStream out) throws Exception {
    checkOptions(args);
    return Chains.withStages(config, false, stages -> {
      Chain.Step step = Chain.step(name(), args.value("out"));
      for (String option : inputOptions()) {
        for (String path : args.has(option) ? args.values(option) : List.<String>of()) {
          step.reads(option + (args.values(option).size() > 1 ? " " + path : ""), Ref.path(path));
        }
      }
      Chains.run(Chain.of(stages, step.builds(in -> stage(stages, args, out))), args.has("force"), out, done -> {});
      return 0;
    });
  }
}
