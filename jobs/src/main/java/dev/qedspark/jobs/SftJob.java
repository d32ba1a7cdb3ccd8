package dev.qedspark.jobs;

import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.stage.Stage;
import java.io.PrintStream;
import java.util.List;

/** {@code ./qed sft}: FineProofs-SFT from teacher proofs and their grades. */
final class SftJob extends StageCommand {

  @Override
  public String name() {
    return "sft";
  }

  @Override
  public String summary() {
    return "Build FineProofs-SFT (all proofs and the best per problem) from proofs and grades";
  }

  @Override
  public String description() {
    return """
        Joins teacher proofs (./qed generate), their grades (./qed grade: --graded is its
        output folder) and the problems, and writes FineProofs-SFT's columns in its order, names
        and types: problem, reasoning_content, proof, category, competition, the grade (int64
        0-7, named sft.grade-column: gemini-3-pro-grade), the policy reward (with --rl, named
        sft.reward-column: qwen3-4b-thinking-reward@128), source, messages; then TRL's prompt
        and completion; then lineage. Each message is {role, content, reasoning_content}: the
        assistant's content is the proof, its reasoning_content the reasoning.

        Writes OUT/all (every proof with text; truncated and ungraded ones are kept with their
        status), OUT/default (per problem the best finished proof graded at least
        sft.min-grade, 7: the rows to train on), OUT/report.json, and the dataset card
        OUT/README.md (configs default and all) with OUT/lineage.json.

        Example:
          ./qed sft --proofs runs/teacher/generations --graded runs/grade \\
              --problems runs/demo/ingest/problems --out runs/sft""";
  }

  @Override
  protected List<OptionSpec> stageOptions() {
    return List.of(
        OptionSpec.required("proofs", "DIR", "teacher generations"),
        OptionSpec.required("graded", "DIR", "the output folder of ./qed grade over those proofs"),
        OptionSpec.required("problems", "DIR", "the problems dataset (category, competition, source)"),
        OptionSpec.value("rl", "DIR", "the output folder of ./qed rl over the same problems: adds the policy-reward column"),
        OptionSpec.required("out", "DIR", "output folder for all/, default/, report.json and the card"));
  }

  @Override
  protected List<String> inputOptions() {
    return List.of("proofs", "graded", "problems", "rl");
  }

  @Override
  protected Stage<?, ?> stage(Stages stages, Arguments args, PrintStream out) {
    return stages.sft(args.value("proofs"), args.value("graded"), args.value("problems"), args.value("rl", null));
  }
}
