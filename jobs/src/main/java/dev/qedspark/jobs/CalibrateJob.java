package dev.qedspark.jobs;

import dev.qedspark.config.QedConfig;
import dev.qedspark.eval.CalibrationMetrics;
import dev.qedspark.grading.JudgeProtocol;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.spark.SparkSessions;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** {@code ./qed calibrate}: how far the judges agree with human graders. */
final class CalibrateJob implements Command {

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
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.required("graded", "FILE", "human-graded proofs (JSONL or Parquet)"),
        OptionSpec.required("out", "DIR", "output folder"),
        OptionSpec.value("protocol", "P", "judge protocol: imo-proofbench (default), proofbench or rubric"),
        OptionSpec.flag("force", "run even when the outputs are up to date"));
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) {
    JudgeProtocol protocol = JudgeProtocol.named(args.value("protocol", JudgeProtocol.IMO_PROOFBENCH.id()));
    SparkSession spark = SparkSessions.create(config.spark());
    try (Stages stages = Stages.with(spark, config)) {
      var stage = stages.calibrate(args.value("graded"), protocol).into(args.value("out"));
      String staleness = stage.staleness();
      if (staleness == null && !args.has("force")) {
        out.println("calibrate: up to date (" + args.value("out") + "/calibration.json); --force runs it again");
        return 0;
      }
      CalibrationMetrics.Report r = stage.execute();
      out.printf("calibrate: %,d proofs (%s grades), %,d judged, %,d judgements failed or unreadable, in %.1f s%n", r.proofs(), r.scale(),
          r.compared(), r.failed(), r.seconds());
      r.metrics().forEach((name, value) -> out.printf("  %-20s %s%n", name, value == null ? "-" : String.format("%.3f", value)));
      if (!r.confusion().isEmpty()) {
        out.println("  confusion: " + r.confusion());
      }
      out.println("  pairs: " + r.pairsPath());
      return 0;
    } finally {
      spark.stop();
    }
  }
}
