package dev.qedspark.jobs;

import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.stage.Stage;
import java.io.PrintStream;
import java.util.List;

/** {@code ./qed filter}: an LLM tags every problem; the configured rules decide which stay. */
final class FilterJob extends StageCommand {

  @Override
  public String name() {
    return "filter";
  }

  @Override
  public String summary() {
    return "Tag problems with an LLM (incomplete, difficulty, gaps, wrong, ...) and keep those the rules allow";
  }

  @Override
  public String description() {
    return """
        Asks the filter.role role (judge by default) to tag every problem, as JSON:
        incomplete, difficulty (1-10), gaps, wrong, disagreement, computational (the filter
        prompt; prompts.filter replaces it). A problem goes when a tag listed in filter.drop is
        true (default: incomplete, wrong, computational, for proof datasets), or its
        difficulty is outside filter.min-difficulty..filter.max-difficulty. An answer whose
        tags cannot be read is marked (filter_status unreadable, filter_error says why) and the
        problem stays unless filter.keep-unreadable is false.

        Writes OUT/tags (every problem's tags and status), OUT/problems (the problems kept,
        with their tags), OUT/dropped (the others, with reason) and OUT/report.json.

        Example:
          ./qed filter --problems runs/demo/curate/curated --out runs/filter --set filter.min-difficulty=4""";
  }

  @Override
  protected List<OptionSpec> stageOptions() {
    return List.of(
        OptionSpec.required("problems", "DIR", "a problems dataset"),
        OptionSpec.required("out", "DIR", "output folder for tags/, problems/, dropped/ and report.json"));
  }

  @Override
  protected List<String> inputOptions() {
    return List.of("problems");
  }

  @Override
  protected Stage<?, ?> stage(Stages stages, Arguments args, PrintStream out) {
    return stages.filter(args.value("problems"));
  }
}
