package dev.qedspark.decontam;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;

/**
 * Benchmark decontamination by word n-gram overlap: a corpus problem that shares at least
 * {@code minSharedNgrams} normalized {@code ngramSize}-word sequences with a benchmark problem,
 * covering at least {@code minOverlap} of the shorter text's n-grams, is contaminated; so is one
 * whose all-MiniLM-L6-v2 embedding has at least {@code cosineThreshold} cosine with a benchmark
 * problem. 13 words is long enough that a shared sequence is almost never chance in olympiad
 * statements, and short enough to catch a copied sentence inside a longer text.
 */
public record DecontamSettings(
    @JsonPropertyDescription("words per n-gram compared with the benchmarks") int ngramSize,
    @JsonPropertyDescription("shared n-grams from which a problem counts as contaminated") int minSharedNgrams,
    @JsonPropertyDescription("share of the shorter text's n-grams that must be shared") double minOverlap,
    @JsonPropertyDescription("also compare all-MiniLM-L6-v2 embeddings (catches paraphrases; about 60 texts/s on 2 cores, BENCHMARKS.md)") boolean embeddings,
    @JsonPropertyDescription("cosine from which a problem counts as contaminated") double cosineThreshold)
    implements Serializable {

  public static final DecontamSettings DEFAULTS = new DecontamSettings(13, 1, 0.2, true, 0.85);

  public DecontamSettings {
    if (ngramSize < 3) throw new IllegalArgumentException("ngram-size must be at least 3, not " + ngramSize);
    if (minSharedNgrams < 1) throw new IllegalArgumentException("min-shared-ngrams must be at least 1");
    if (minOverlap < 0 || minOverlap > 1) throw new IllegalArgumentException("min-overlap must be in [0, 1], not " + minOverlap);
    if (cosineThreshold <= 0 || cosineThreshold > 1) throw new IllegalArgumentException("cosine-threshold must be in (0, 1], not " + cosineThreshold);
  }

  /** These settings with the embedding signal on or off. */
  public DecontamSettings withEmbeddings(boolean on) {
    return new DecontamSettings(ngramSize, minSharedNgrams, minOverlap, on, cosineThreshold);
  }
}
