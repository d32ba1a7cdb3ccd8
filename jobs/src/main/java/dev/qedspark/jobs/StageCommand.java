package dev.qedspark.jobs;

import dev.qedspark.config.QedConfig;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.pipeline.Chain;
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

  /** The stage with its inputs and output folder, from the options (and a note to the user, if any, on {@code out}). */
  protected abstract Stage<?, ?> stage(Stages stages, Arguments args, PrintStream out);

  @Override
  public final List<OptionSpec> options() {
    List<OptionSpec> options = new ArrayList<>(stageOptions());
    options.add(OptionSpec.flag("force", "run even when the outputs are up to date"));
    return options;
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) throws Exception {
    return Chains.withStages(config, false, stages -> {
      Chains.run(Chain.of(Chain.step(name(), () -> stage(stages, args, out))), args.has("force"), out, step -> {});
      return 0;
    });
  }
}
