package dev.qedspark.jobs;

import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.stage.Stage;
import java.io.PrintStream;
import java.util.List;

/** {@code ./qed generate}: teacher proofs for the problems of a dataset. */
final class GenerateJob extends StageCommand {

  @Override
  public String name() {
    return "generate";
  }

  @Override
  public String summary() {
    return "Ask the teacher role for N proofs of each problem";
  }

  @Override
  public String description() {
    return """
        Sends each problem of a problems dataset (those matching --where, a Spark SQL
        condition) to the teacher role (llm.roles.teacher, else llm.*) with the proof prompt
        (prompts.proof replaces it), --samples times with seeds seed + i. The reasoning
        (reasoning_content, or the text before </think>) and the proof (the text after it)
        are split; a proof cut off by max_tokens keeps its row with status truncated.

        Writes OUT/generations: problem_id, problem, sample_index and the generation columns.
        A teacher profile for a thinking model, for example:
          llm:
            roles:
              teacher: {endpoint: http://teacher:8000/v1, max-tokens: 120000, temperature: 1.0,
                        extra-body: {chat_template_kwargs: {enable_thinking: true}}}

        Example:
          ./qed generate --problems runs/demo/curate/curated --out runs/teacher --samples 4 \\
              --where "source = 'putnambench'\"""";
  }

  @Override
  protected List<OptionSpec> stageOptions() {
    return List.of(
        OptionSpec.required("problems", "DIR", "a problems dataset (ingest or curate output)"),
        OptionSpec.required("out", "DIR", "output folder for generations/"),
        OptionSpec.value("samples", "N", "proofs per problem (default 1)"),
        OptionSpec.value("where", "SQL", "only the problems matching this Spark SQL condition"));
  }

  @Override
  protected List<String> inputOptions() {
    return List.of("problems");
  }

  @Override
  protected void checkOptions(Arguments args) {
    Arguments.positive(args, "samples", 1);
  }

  @Override
  protected Stage<?, ?> stage(Stages stages, Arguments args, PrintStream out) {
    return stages.generate(args.value("problems"), args.value("where", null), Arguments.positive(args, "samples", 1));
  }
}
