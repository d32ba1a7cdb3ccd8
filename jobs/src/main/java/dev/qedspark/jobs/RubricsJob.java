package dev.qedspark.jobs;

import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.stage.Stage;
import java.io.PrintStream;
import java.util.List;

/** {@code ./qed rubrics}: marking schemes for problems that have a solution and no rubric. */
final class RubricsJob extends StageCommand {

  @Override
  public String name() {
    return "rubrics";
  }

  @Override
  public String summary() {
    return "Write 7-point marking schemes for problems with a reference solution and no rubric";
  }

  @Override
  public String description() {
    return """
        Asks the rubrics.role role (teacher by default) for a marking scheme of every problem
        that has a reference solution and no rubric, as JSON: checkpoints (each with its chain,
        points and whether it is a key idea), zero-credit items, deductions and caps. A scheme
        is checked: each chain's checkpoints sum to 7, key ideas carry at least 4 points,
        points are whole numbers on the scale. A scheme that breaks a rule, or a request that
        fails, is asked again with the next seed, up to rubrics.attempts times; then it is
        marked invalid (or api_error) with the reason.

        Writes OUT/rubrics (the schemes, structured and rendered as text, with status,
        attempts and error), OUT/problems (every problem; rubric filled with the rendered
        scheme where one was written; rubric_source given / generated / invalid /
        no_solution) and OUT/report.json.

        Example:
          ./qed rubrics --problems runs/demo/curate/curated --out runs/rubrics""";
  }

  @Override
  protected List<OptionSpec> stageOptions() {
    return List.of(
        OptionSpec.required("problems", "DIR", "a problems dataset"),
        OptionSpec.required("out", "DIR", "output folder for rubrics/, problems/ and report.json"));
  }

  @Override
  protected List<String> inputOptions() {
    return List.of("problems");
  }

  @Override
  protected Stage<?, ?> stage(Stages stages, Arguments args, PrintStream out) {
    return stages.rubrics(args.value("problems"));
  }
}
