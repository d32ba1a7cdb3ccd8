package dev.qedspark.jobs;

import dev.qedspark.grading.JudgeProtocol;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.stage.Stage;
import java.io.PrintStream;
import java.util.List;

/** {@code ./qed calibrate}: how far the judges agree with human graders. */
final class CalibrateJob extends StageCommand {

  @Override
  public String name() {
    return "calibrate";
  }

  @Override
  public String summary() {
    return "Measure a judge against human grades: MAE, bucket accuracy, ranking and advantage agreement, or accuracy/precision/recall/F1";
  }

  @Override
  public String description() {
    return """
        The judges (grading.judges) grade proofs that people graded, with --protocol
        (imo-proofbench by default), and their scores are compared with the human grades.
        The file (JSONL or Parquet) holds problem, proof (or model_proof), the reference
        solution (solution, or reference_solutions), optionally grading guidelines (rubric) and
        the human grade: grade (0-7) or label (correct/incorrect), as in the bundled Open Proof
        Corpus dev file, data/corpora/open-proof-corpus/opc_judged_proofs_dev.jsonl.
          0-7 grades: mean absolute error, accuracy over the buckets 0 / 1-3 / 4-6 / 7, ranking
                      agreement within a problem, advantage agreement (grade minus the
                      problem's mean, as RL sees it)
          labels:     accuracy, precision, recall, F1 and the confusion matrix; the judge says
                      "correct" at eval.pass-score (7) or more
        A failed or unreadable judgement is counted apart, never compared as a 0. Writes
        OUT/grades, OUT/scores, OUT/pairs and OUT/calibration.json.

        Example:
          ./qed calibrate --graded data/corpora/open-proof-corpus/opc_judged_proofs_dev.jsonl \\
              --out runs/calibrate --set llm.roles.judge.endpoint=http://judge:8000/v1""";
  }

  @Override
  protected List<OptionSpec> stageOptions() {
    return List.of(
        OptionSpec.required("graded", "FILE", "human-graded proofs (JSONL or Parquet)"),
        OptionSpec.required("out", "DIR", "output folder"),
        OptionSpec.value("protocol", "P", "judge protocol: imo-proofbench (default), proofbench or rubric"));
  }

  @Override
  protected List<String> inputOptions() {
    return List.of("graded");
  }

  @Override
  protected void checkOptions(Arguments args) {
    JudgeProtocol.named(args.value("protocol", JudgeProtocol.IMO_PROOFBENCH.id()));
  }

  @Override
  protected Stage<?, ?> stage(Stages stages, Arguments args, PrintStream out) {
    return stages.calibrate(args.value("graded"), JudgeProtocol.named(args.value("protocol", JudgeProtocol.IMO_PROOFBENCH.id())));
  }
}
