package dev.qedspark.bench;

import java.util.List;
import java.util.Locale;

/**
 * How much a benchmark run measures. Growth sizes are distinct problems (the labelled corpus adds
 * one planted copy per ten); baselines run only up to {@code baselineLimit}, where Spark ML's
 * MinHashLSH still fits a laptop's heap (at about 100,000 problems it ran out of a 6.6 GB heap).
 */
public enum BenchScale {
  SMALL(List.of(10_000, 20_000), 20_000, 800, 2_000, 2_000),
  MEDIUM(List.of(10_000, 20_000, 100_000), 20_000, 2_000, 5_000, 10_000),
  LARGE(List.of(10_000, 20_000, 100_000, 1_000_000), 20_000, 5_000, 20_000, 50_000);

  /** Distinct problems for near-duplicate search and n-gram decontamination, smallest first. */
  public final List<Integer> growth;
  /** The largest size at which the baselines run. */
  public final int baselineLimit;
  /** Texts for the embedding signal. */
  public final int embeddingTexts;
  /** Requests sent to the loopback server. */
  public final int requests;
  /** Conversations tokenized and packed. */
  public final int conversations;

  BenchScale(List<Integer> growth, int baselineLimit, int embeddingTexts, int requests, int conversations) {
    this.growth = growth;
    this.baselineLimit = baselineLimit;
    this.embeddingTexts = embeddingTexts;
    this.requests = requests;
    this.conversations = conversations;
  }

  public static BenchScale parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--scale is small, medium or large, not '" + name + "'");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
