package dev.qedspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metric formulas against values computed by hand. */
class EvalMetricsTest {
  @Test
  void passAtKIsTheUnbiasedEstimator() {
    assertEquals(0.4, EvalMetrics.passAtK(5, 2, 1), 1e-12, "c/n");
    assertEquals(1 - 3.0 / 10, EvalMetrics.passAtK(5, 2, 2), 1e-12, "1 - C(3,2)/C(5,2)");
    assertEquals(1 - 1.0 / 10, EvalMetrics.passAtK(5, 2, 3), 1e-12, "1 - C(3,3)/C(5,3)");
    assertEquals(0.0, EvalMetrics.passAtK(4, 0, 2), 1e-12);
    assertEquals(1.0, EvalMetrics.passAtK(3, 2, 2), 1e-12, "fewer failures than k: a pass is certain");
    assertThrows(IllegalArgumentException.class, () -> EvalMetrics.passAtK(1, 1, 2));
  }

  @Test
  void qedNanoCountsUnscoredSamplesAsZeroAndUsesTheSampleStandardDeviation() {
    // Run 0: 7, 0 and a judge error; run 1: 7, 7, 4. By hand: run means 7/3 and 6, mean 25/6,
    // sample std |6 - 7/3| / sqrt(2).
    List<EvalMetrics.Sample> samples = List.of(
        proof("PB-Basic-001", 0, 7.0), proof("PB-Advanced-001", 0, 0.0), proof("PB-Advanced-002", 0, null),
        proof("PB-Basic-001", 1, 7.0), proof("PB-Advanced-001", 1, 7.0), proof("PB-Advanced-002", 1, 4.0));
    EvalMetrics.QedNanoStats nano = EvalMetrics.qedNano(samples);
    assertEquals(7.0, nano.maxPoints());
    assertEquals(7.0 / 3, nano.runMeanPoints().get(0), 1e-12);
    assertEquals(25.0 / 6, nano.meanPoints(), 1e-12);
    assertEquals((6 - 7.0 / 3) / Math.sqrt(2), nano.std(), 1e-12);
    assertEquals(7.0, nano.subsetMeanPoints().get("Basic"), 1e-12);
    assertEquals((0 + 5.5) / 2, nano.subsetMeanPoints().get("Advanced"), 1e-12, "runs (0 + 0)/2 and (7 + 4)/2");
    EvalMetrics.Stats ours = EvalMetrics.of(samples, 0, 0.95, 1);
    assertEquals(100.0 * (7.0 / 2 / 7 + 6.0 / 7) / 2, ours.meanPercent(), 1e-9, "the project's mean leaves the unscored sample out");
    assertNull(EvalMetrics.qedNano(samples.subList(0, 3)).std(), "no standard deviation of one run");
  }

  private static EvalMetrics.Sample proof(String id, int run, Double score) {
    return new EvalMetrics.Sample(id, run, score, 7, score == null ? null : score >= 7, score == null ? "judge_error" : "ok", null, null,
        Map.of("subset", id.contains("Basic") ? "Basic" : "Advanced"));
  }

  @Test
  void quantilesInterpolateAndTheBootstrapOfEqualProblemsIsAPoint() {
    double[] sorted = {1, 2, 3, 4};
    assertEquals(2.5, EvalMetrics.quantile(sorted, 0.5), 1e-12);
    assertEquals(1.75, EvalMetrics.quantile(sorted, 0.25), 1e-12);
    EvalMetrics.Interval point = EvalMetrics.bootstrap(List.of(problem("a", 2.0, 5.0), problem("b", 2.0, 5.0)), 500, 0.95, 7);
    assertEquals(50.0, point.low(), 1e-9, "every draw has the same runs: 2/7 and 5/7 of 7");
    assertEquals(50.0, point.high(), 1e-9);
    List<List<EvalMetrics.Sample>> mixed = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      mixed.add(problem("p" + i, i % 2 == 0 ? 0.0 : 7.0));
    }
    EvalMetrics.Interval spread = EvalMetrics.bootstrap(mixed, 2000, 0.95, 7);
    assertTrue(spread.low() < 50 && spread.high() > 50 && spread.low() >= 0 && spread.high() <= 100, spread.toString());
    assertNull(EvalMetrics.bootstrap(mixed, 0, 0.95, 7), "no resamples, no interval");
  }

  /** One problem's samples, one run per score. */
  private static List<EvalMetrics.Sample> problem(String id, double... scores) {
    List<EvalMetrics.Sample> samples = new java.util.ArrayList<>();
    for (int run = 0; run < scores.length; run++) {
      samples.add(new EvalMetrics.Sample(id, run, scores[run], 7, scores[run] >= 7, "ok", null, null, Map.of()));
    }
    return samples;
  }

  @Test
  void unscoredSamplesAreCountedApartNeverAsZero() {
    List<EvalMetrics.Sample> samples = List.of(
        new EvalMetrics.Sample("a", 0, 7.0, 7, true, "ok", 100L, 0.01, Map.of("level", "Basic")),
        new EvalMetrics.Sample("a", 1, null, 7, null, "judge_error", 300L, 0.03, Map.of("level", "Basic")),
        new EvalMetrics.Sample("b", 0, 1.0, 7, false, "ok", 50L, 0.02, Map.of("level", "Advanced")),
        new EvalMetrics.Sample("b", 1, 0.0, 7, false, "truncated", 900L, 0.05, Map.of("level", "Advanced")));
    EvalMetrics.Stats stats = EvalMetrics.of(samples, 0, 0.95, 1);
    assertEquals(Map.of(0, (100.0 + 100.0 / 7) / 2, 1, 0.0), stats.runMeans(), "run 1 has only b's 0: a's failed judgement is left out");
    assertEquals(0.25, stats.failedFraction(), 1e-12);
    assertEquals(0.25, stats.truncatedFraction(), 1e-12);
    assertEquals(100.0, stats.tokensPassed(), 1e-12);
    assertEquals(475.0, stats.tokensFailed(), 1e-12);
    assertEquals(0.5, stats.passAtK().get(1), 1e-12, "a: 1 of 1 scored; b: 0 of 2");
    Map<String, EvalMetrics.Stats> splits = EvalMetrics.bySplit(samples, 0, 0.95, 1);
    assertEquals(100.0, splits.get("level=Basic").meanPercent(), 1e-12);
    assertEquals(100.0 / 14, splits.get("level=Advanced").meanPercent(), 1e-12);
  }
}
