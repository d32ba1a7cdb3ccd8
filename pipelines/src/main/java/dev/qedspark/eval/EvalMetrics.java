package dev.qedspark.eval;

import dev.qedspark.common.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The published metrics of an evaluation, from its samples: the mean score as a percentage of
 * the maximum for each run, then avg@k (the mean of the runs) with the standard deviation
 * (population) and the range across runs; pass@k with the unbiased estimator
 * {@code 1 - C(n-c, k) / C(n, k)} (n scored samples of a problem, c of them passing); a bootstrap
 * confidence interval of avg@k over problems; the fractions of truncated, failed
 * (judge or generation errors) and undecided samples; tokens and cost of passing and failing
 * samples. Samples without a score are left out of means and counted in their fraction, never
 * taken as 0.
 */
public final class EvalMetrics {
  /**
   * One problem's response in one run, scored.
   *
   * @param score the score, null when there is none (undecided, failed)
   * @param passed whether it passes (a correct answer; a proof at or above the pass score); null without a score
   * @param splits the problem's split values by name (level, category)
   */
  public record Sample(String problemId, int run, Double score, double maxScore, Boolean passed, String status, Long tokens,
      Double cost, Map<String, String> splits) {}

  /** A confidence interval. */
  public record Interval(double low, double high) {}

  /**
   * The metrics of a set of samples; percentages are of the maximum score.
   *
   * @param meanPercent avg@k: the mean of the runs' mean scores
   * @param interval the bootstrap interval of avg@k, resampling problems (null without resamples)
   * @param runStd standard deviation of the runs' mean scores (population)
   * @param passAtK pass@k by k, for k = 1 and k = the number of runs, over the problems with at
   *     least k scored samples
   * @param passAtKProblems for each k, how many problems pass@k is over
   */
  public record Stats(long problems, long samples, long scored, Double meanPercent, Interval interval, Map<Integer, Double> runMeans,
      Double runStd, Double runMin, Double runMax, Map<Integer, Double> passAtK,
      @com.fasterxml.jackson.annotation.JsonProperty("pass_at_k_problems") Map<Integer, Long> passAtKProblems,
      double truncatedFraction, double failedFraction,
      double undecidedFraction, Double tokensPassed, Double tokensFailed, Double costPassed, Double costFailed,
      Map<String, Long> byStatus) {}

  /**
   * QED-Nano's statistics, as its evaluation scripts compute them, for comparing with its
   * published numbers: scores in points (of 7 for proofs, of 1 for answers); a sample without a
   * score counts 0; each run's mean, then the mean of the runs and their sample standard
   * deviation (n - 1; null with one run); IMO-ProofBench's Basic and Advanced subsets likewise.
   *
   * @param maxPoints the most points a sample can score
   * @param runMeanPoints each run's mean points
   */
  public record QedNanoStats(double maxPoints, Double meanPoints, Double std, Map<Integer, Double> runMeanPoints,
      Map<String, Double> subsetMeanPoints, long samples) {}

  /** Statuses of samples whose score is missing because something failed (not because it was undecided). */
  static final List<String> FAILED = List.of(Status.API_ERROR.id(), Status.JUDGE_ERROR.id(), Status.NO_PROOF.id(), Status.NO_REFERENCE.id());

  private EvalMetrics() {}

  /** The unbiased pass@k estimator for n samples of which c pass. */
  public static double passAtK(int n, int c, int k) {
    if (k > n) {
      throw new IllegalArgumentException("pass@" + k + " needs at least " + k + " samples, not " + n);
    }
    if (n - c < k) {
      return 1.0;
    }
    double fail = 1.0;
    for (int i = n - c + 1; i <= n; i++) {
      fail *= 1.0 - (double) k / i;
    }
    return 1.0 - fail;
  }

  public static Stats of(List<Sample> samples, int resamples, double confidence, long seed) {
    Map<Integer, List<Double>> byRun = new TreeMap<>();
    Map<String, List<Sample>> byProblem = new TreeMap<>();
    Map<String, Long> byStatus = new TreeMap<>();
    for (Sample s : samples) {
      byProblem.computeIfAbsent(s.problemId(), k -> new ArrayList<>()).add(s);
      byStatus.merge(s.status(), 1L, Long::sum);
      if (s.score() != null) {
        byRun.computeIfAbsent(s.run(), k -> new ArrayList<>()).add(100.0 * s.score() / s.maxScore());
      }
    }
    Map<Integer, Double> runMeans = new TreeMap<>();
    byRun.forEach((run, scores) -> runMeans.put(run, mean(scores)));
    List<Double> means = new ArrayList<>(runMeans.values());
    Double avg = means.isEmpty() ? null : mean(means);
    Double std = means.isEmpty() ? null : Math.sqrt(means.stream().mapToDouble(m -> (m - avg) * (m - avg)).sum() / means.size());

    Map<Integer, List<Double>> passes = new TreeMap<>();
    int runCount = (int) samples.stream().mapToInt(Sample::run).distinct().count();
    for (List<Sample> runs : byProblem.values()) {
      int n = (int) runs.stream().filter(s -> s.score() != null).count();
      int c = (int) runs.stream().filter(s -> Boolean.TRUE.equals(s.passed())).count();
      for (int k : new TreeSet<>(List.of(1, Math.max(1, runCount)))) {
        if (n >= k) {
          passes.computeIfAbsent(k, x -> new ArrayList<>()).add(passAtK(n, c, k));
        }
      }
    }
    Map<Integer, Double> passAtK = new TreeMap<>();
    Map<Integer, Long> passAtKProblems = new TreeMap<>();
    passes.forEach((k, values) -> {
      passAtK.put(k, mean(values));
      passAtKProblems.put(k, (long) values.size());
    });

    long total = samples.size();
    long scored = samples.stream().filter(s -> s.score() != null).count();
    return new Stats(byProblem.size(), total, scored, avg, bootstrap(new ArrayList<>(byProblem.values()), resamples, confidence, seed), runMeans, std,
        means.isEmpty() ? null : means.stream().min(Double::compare).get(), means.isEmpty() ? null : means.stream().max(Double::compare).get(),
        passAtK, passAtKProblems, fraction(samples, Status.TRUNCATED.id()), fraction(samples, FAILED.toArray(String[]::new)), fraction(samples, Status.UNDECIDED.id()),
        meanOf(samples, true, s -> s.tokens() == null ? null : s.tokens().doubleValue()), meanOf(samples, false, s -> s.tokens() == null ? null : s.tokens().doubleValue()),
        meanOf(samples, true, Sample::cost), meanOf(samples, false, Sample::cost), byStatus);
  }

  /** {@link QedNanoStats} of the samples. */
  public static QedNanoStats qedNano(List<Sample> samples) {
    double max = samples.stream().mapToDouble(Sample::maxScore).max().orElse(7);
    Map<Integer, Double> runMeans = pointsByRun(samples);
    List<Double> means = new ArrayList<>(runMeans.values());
    Double mean = means.isEmpty() ? null : mean(means);
    Double std = means.size() < 2 ? null
        : Math.sqrt(means.stream().mapToDouble(m -> (m - mean) * (m - mean)).sum() / (means.size() - 1));
    Map<String, Double> subsets = new TreeMap<>();
    for (String subset : List.of("Basic", "Advanced")) {
      List<Sample> part = samples.stream().filter(x -> subset.equals(x.splits().get("subset"))).toList();
      if (!part.isEmpty()) {
        subsets.put(subset, mean(new ArrayList<>(pointsByRun(part).values())));
      }
    }
    return new QedNanoStats(max, mean, std, runMeans, subsets, samples.size());
  }

  /** Each run's mean points, a sample without a score counting 0. */
  private static Map<Integer, Double> pointsByRun(List<Sample> samples) {
    Map<Integer, List<Double>> byRun = new TreeMap<>();
    samples.forEach(x -> byRun.computeIfAbsent(x.run(), k -> new ArrayList<>()).add(x.score() == null ? 0.0 : x.score()));
    Map<Integer, Double> means = new TreeMap<>();
    byRun.forEach((run, points) -> means.put(run, mean(points)));
    return means;
  }

  /** The metrics per value of each split (e.g. {@code level=Advanced}). */
  public static Map<String, Stats> bySplit(List<Sample> samples, int resamples, double confidence, long seed) {
    Map<String, List<Sample>> groups = new TreeMap<>();
    for (Sample s : samples) {
      s.splits().forEach((name, value) -> {
        if (value != null && !value.isBlank()) {
          groups.computeIfAbsent(name + "=" + value, k -> new ArrayList<>()).add(s);
        }
      });
    }
    Map<String, Stats> out = new LinkedHashMap<>();
    groups.forEach((split, group) -> out.put(split, of(group, resamples, confidence, seed)));
    return out;
  }

  /**
   * Percentile bootstrap over problems of avg@k: problems are drawn with replacement, and each
   * draw's avg@k is computed as the point estimate is (the mean of the runs' mean scores).
   */
  static Interval bootstrap(List<List<Sample>> problems, int resamples, double confidence, long seed) {
    if (resamples == 0 || problems.isEmpty()) {
      return null;
    }
    // Runs numbered densely, whatever numbers the responses gave them.
    Map<Integer, Integer> dense = new TreeMap<>();
    problems.stream().flatMap(List::stream).forEach(sample -> dense.putIfAbsent(sample.run(), 0));
    int next = 0;
    for (Map.Entry<Integer, Integer> e : dense.entrySet()) {
      e.setValue(next++);
    }
    int runs = dense.size();
    SplittableRandom random = new SplittableRandom(seed);
    double[] estimates = new double[resamples];
    int used = 0;
    for (int b = 0; b < resamples; b++) {
      double[] sum = new double[runs];
      int[] count = new int[runs];
      for (int i = 0; i < problems.size(); i++) {
        for (Sample s : problems.get(random.nextInt(problems.size()))) {
          if (s.score() != null) {
            int r = dense.get(s.run());
            sum[r] += 100.0 * s.score() / s.maxScore();
            count[r]++;
          }
        }
      }
      double total = 0;
      int scoredRuns = 0;
      for (int r = 0; r < runs; r++) {
        if (count[r] > 0) {
          total += sum[r] / count[r];
          scoredRuns++;
        }
      }
      if (scoredRuns > 0) {
        estimates[used++] = total / scoredRuns;
      }
    }
    if (used == 0) {
      return null;
    }
    double[] sorted = java.util.Arrays.copyOf(estimates, used);
    java.util.Arrays.sort(sorted);
    double tail = (1 - confidence) / 2;
    return new Interval(quantile(sorted, tail), quantile(sorted, 1 - tail));
  }

  /** The q-quantile of sorted values, interpolating linearly between order statistics. */
  static double quantile(double[] sorted, double q) {
    double position = q * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(sorted.length - 1, below + 1);
    return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).sum() / values.size();
  }

  private static double fraction(List<Sample> samples, String... statuses) {
    if (samples.isEmpty()) {
      return 0;
    }
    List<String> wanted = List.of(statuses);
    return (double) samples.stream().filter(s -> wanted.contains(s.status())).count() / samples.size();
  }

  private static Double meanOf(List<Sample> samples, boolean passed, java.util.function.Function<Sample, Double> value) {
    List<Double> values = samples.stream().filter(s -> s.passed() != null && s.passed() == passed).map(value)
        .filter(java.util.Objects::nonNull).collect(Collectors.toList());
    return values.isEmpty() ? null : mean(values);
  }
}
