package dev.qedspark.eval;

import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.LlmCalls;
import dev.qedspark.stage.StageResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Agreement between a judge and human graders, over the proofs the judge scored (a failed or
 * unreadable judgement is counted apart, not compared).
 *
 * <p>Against 0-7 grades: the mean absolute error; the accuracy over four buckets (0, 1-3, 4-6,
 * 7); the ranking agreement (over pairs of proofs of the same problem that the humans graded
 * differently, the share the judge orders the same way, a judge tie counting one half); and the
 * advantage agreement (a proof's advantage is its grade minus its problem's mean, as in GRPO:
 * the share of proofs with a non-zero human advantage whose judge advantage has the same sign).
 * Against binary labels (correct when the judge's score reaches the pass score): accuracy,
 * precision, recall, F1 and the confusion matrix.
 */
public final class CalibrationMetrics {
  /** One proof: its problem, the human grade (0-7; a binary label as 0 or 7) and the judge's score. */
  public record Pair(String problemId, double human, Double judge) {}

  /**
   * What a calibration found, written as {@code calibration.json}.
   *
   * @param scale {@code 0-7} or {@code binary}
   * @param compared proofs the judge scored
   * @param failed proofs the judge did not score (failed or unreadable judgements)
   * @param metrics the metrics of the scale, by name
   * @param confusion for binary labels: true/false positives and negatives (the judge's "correct" is positive)
   */
  public record Report(String scale, long proofs, long compared, long failed, Map<String, Double> metrics, Map<String, Long> confusion,
      Map<String, GenerationReport> judgeCalls, String pairsPath, double seconds) implements StageResult, LlmCalls {
    @Override
    public Map<String, GenerationReport> llmCalls() {
      return judgeCalls;
    }

    @Override
    public void print(PrintStream out) {
      out.printf("calibrate: %,d proofs (%s grades), %,d judged, %,d judgements failed or unreadable, in %.1f s%n", proofs, scale, compared,
          failed, seconds);
      metrics.forEach((name, value) -> out.printf("  %-20s %s%n", name, value == null ? "-" : String.format("%.3f", value)));
      if (!confusion.isEmpty()) {
        out.println("  confusion: " + confusion);
      }
      printCalls(out);
      out.println("  pairs: " + pairsPath);
    }
  }

  private CalibrationMetrics() {}

  static int bucket(double grade) {
    return grade <= 0 ? 0 : grade < 4 ? 1 : grade < 7 ? 2 : 3;
  }

  public static Report of(List<Pair> pairs, boolean binary, int passScore, Map<String, GenerationReport> calls, String path, double seconds) {
    List<Pair> scored = pairs.stream().filter(p -> p.judge() != null).toList();
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, Long> confusion = new LinkedHashMap<>();
    if (binary) {
      long tp = 0, fp = 0, tn = 0, fn = 0;
      for (Pair p : scored) {
        boolean human = p.human() >= 7;
        boolean judge = p.judge() >= passScore;
        if (judge && human) {
          tp++;
        } else if (judge) {
          fp++;
        } else if (human) {
          fn++;
        } else {
          tn++;
        }
      }
      confusion.put("true_positive", tp);
      confusion.put("false_positive", fp);
      confusion.put("true_negative", tn);
      confusion.put("false_negative", fn);
      double precision = tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
      double recall = tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn);
      metrics.put("accuracy", scored.isEmpty() ? null : (double) (tp + tn) / scored.size());
      metrics.put("precision", Double.isNaN(precision) ? null : precision);
      metrics.put("recall", Double.isNaN(recall) ? null : recall);
      metrics.put("f1", Double.isNaN(precision) || Double.isNaN(recall) || precision + recall == 0 ? null
          : 2 * precision * recall / (precision + recall));
    } else {
      metrics.put("mae", scored.isEmpty() ? null : scored.stream().mapToDouble(p -> Math.abs(p.judge() - p.human())).average().orElseThrow());
      metrics.put("bucket_accuracy", scored.isEmpty() ? null
          : (double) scored.stream().filter(p -> bucket(p.judge()) == bucket(p.human())).count() / scored.size());
      metrics.put("ranking_agreement", rankingAgreement(scored));
      metrics.put("advantage_agreement", advantageAgreement(scored));
    }
    return new Report(binary ? "binary" : "0-7", pairs.size(), scored.size(), pairs.size() - scored.size(), metrics, confusion, calls, path,
        seconds);
  }

  private static Map<String, List<Pair>> byProblem(List<Pair> pairs) {
    Map<String, List<Pair>> groups = new TreeMap<>();
    pairs.forEach(p -> groups.computeIfAbsent(p.problemId(), k -> new ArrayList<>()).add(p));
    return groups;
  }

  static Double rankingAgreement(List<Pair> pairs) {
    double agree = 0;
    long compared = 0;
    for (List<Pair> group : byProblem(pairs).values()) {
      for (int i = 0; i < group.size(); i++) {
        for (int j = i + 1; j < group.size(); j++) {
          Pair a = group.get(i);
          Pair b = group.get(j);
          if (a.human() == b.human()) {
            continue;
          }
          compared++;
          double human = Math.signum(a.human() - b.human());
          double judge = Math.signum(a.judge() - b.judge());
          agree += judge == 0 ? 0.5 : judge == human ? 1 : 0;
        }
      }
    }
    return compared == 0 ? null : agree / compared;
  }

  static Double advantageAgreement(List<Pair> pairs) {
    long agree = 0;
    long compared = 0;
    for (List<Pair> group : byProblem(pairs).values()) {
      double humanMean = group.stream().mapToDouble(Pair::human).average().orElse(0);
      double judgeMean = group.stream().mapToDouble(Pair::judge).average().orElse(0);
      for (Pair p : group) {
        double human = Math.signum(p.human() - humanMean);
        if (human != 0) {
          compared++;
          if (Math.signum(p.judge() - judgeMean) == human) {
            agree++;
          }
        }
      }
    }
    return compared == 0 ? null : (double) agree / compared;
  }
}
