package dev.qedspark.eval;

import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.LlmCalls;
import dev.qedspark.stage.StageResult;
import java.io.PrintStream;
import java.util.Map;

/**
 * What an evaluation found, written as {@code summary.json}.
 *
 * @param kind answer or proof
 * @param protocol the judge protocol of a proof benchmark
 * @param model the model under test, as far as known
 * @param passScore the score at which a sample passes: of 7 for proofs ({@code eval.pass-score}), 1 for answers
 * @param overall the metrics over every sample
 * @param splits the metrics per split value ({@code level=Advanced}, {@code category=Algebra})
 * @param methods samples per deciding method (symbolic, text, judge, a protocol, truncated, ...)
 * @param judgeCalls what the judges' LLM calls did
 * @param scaffold how responses were made: direct, a scaffold, or file
 * @param callsPerSample mean model calls per response
 * @param tokensPerSample mean prompt + completion tokens per response (all its calls)
 * @param qedNano QED-Nano's statistics beside the project's ({@code eval.metrics: qed-nano}), else null
 * @param setup what produced the evaluation
 */
public record EvalSummary(String benchmark, String kind, String protocol, String model, String scaffold, Double callsPerSample,
    Double tokensPerSample, int passScore, EvalMetrics.Stats overall, EvalMetrics.QedNanoStats qedNano,
    Map<String, EvalMetrics.Stats> splits, Map<String, Long> methods, Map<String, GenerationReport> judgeCalls, String samplesPath,
    String reportPath, EvalSetup setup, double seconds) implements StageResult, LlmCalls {
  @Override
  public Map<String, GenerationReport> llmCalls() {
    return judgeCalls;
  }

  @Override
  public void print(PrintStream out) {
    EvalMetrics.Stats all = overall;
    out.printf("eval: %s, %,d problems, %,d samples (%,d scored) in %.1f s; responses: %s%s%n", benchmark, all.problems(), all.samples(),
        all.scored(), seconds, scaffold, callsPerSample == null || "file".equals(scaffold) ? ""
            : String.format(", %.1f calls and %.0f tokens each", callsPerSample, tokensPerSample == null ? 0.0 : tokensPerSample));
    out.printf("  mean score %s%% of the maximum%s; runs %s (std %s, min %s, max %s); pass@k %s%n", pct(all.meanPercent()),
        all.interval() == null ? "" : String.format(" (interval %s - %s)", pct(all.interval().low()), pct(all.interval().high())),
        all.runMeans().values().stream().map(EvalSummary::pct).toList(), pct(all.runStd()), pct(all.runMin()), pct(all.runMax()),
        all.passAtK().entrySet().stream().map(e -> "@" + e.getKey() + " " + String.format("%.3f", e.getValue())).toList());
    out.printf("  truncated %.3f, failed %.3f, undecided %.3f; by status %s; decided by %s%n", all.truncatedFraction(), all.failedFraction(),
        all.undecidedFraction(), all.byStatus(), methods);
    out.printf("  completion tokens per passing / failing sample: %s / %s; cost $%s / $%s%n", format("%,.0f", all.tokensPassed()),
        format("%,.0f", all.tokensFailed()), format("%.4f", all.costPassed()), format("%.4f", all.costFailed()));
    if (qedNano != null) {
      out.printf("  QED-Nano's statistics: %s of %s points (sample std %s over %d runs; unscored samples count 0)%s%n",
          format("%.3f", qedNano.meanPoints()), format("%.0f", qedNano.maxPoints()), format("%.3f", qedNano.std()), qedNano.runMeanPoints().size(),
          qedNano.subsetMeanPoints().isEmpty() ? "" : "; " + qedNano.subsetMeanPoints().entrySet().stream()
              .map(e -> e.getKey() + " " + String.format("%.3f", e.getValue())).toList());
    }
    splits.forEach((split, stats) -> out.printf("  %-28s %,5d problems  mean %s%%%n", split, stats.problems(), pct(stats.meanPercent())));
    printCalls(out);
    out.println("  samples: " + samplesPath);
    out.println("  report:  " + reportPath);
  }

  private static String pct(Double value) {
    return format("%.1f", value);
  }

  private static String format(String format, Double value) {
    return value == null ? "-" : String.format(format, value);
  }
}
