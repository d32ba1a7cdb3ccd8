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
        output folder) and the problems, and writes FineProofs-SFT's columns in its order and
        types: problem, reasoning_content, proof, category, competition, <judge>-grade (int
        0-7, named after the judge model), <policy>-reward@<k> (the problem's mean RL reward,
        with --rl), source, messages (list<struct<role,content>>, the
        assistant turn <think>reasoning</think> then the proof); lineage columns follow.

        Writes OUT/all (every proof with text; incomplete ones are kept, the grade says how
        good they are), OUT/default (per problem the best-graded proof) and OUT/report.json.

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
        OptionSpec.value("rl", "DIR", "the output folder of ./qed rl over the same problems: adds <policy>-reward@<k>"),
        OptionSpec.required("out", "DIR", "output folder for all/, default/ and report.json"));
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
