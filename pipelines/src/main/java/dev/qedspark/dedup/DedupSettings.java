package dev.qedspark.dedup;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;

/**
 * Near-duplicate detection: MinHash over word shingles, LSH banding, an exact Jaccard check.
 *
 * <p>Defaults: 5-word shingles, 20 bands of 6 rows (120 hashes). Two texts become candidates with
 * probability 1 - (1 - J^6)^20: 0.05 at J = 0.3, 0.27 at 0.5, 0.70 at 0.65, 0.98 at 0.75,
 * 0.9997 at 0.85; the curve's midpoint (1/20)^(1/6) is about 0.61, below the 0.75 threshold, so
 * pairs above the threshold are almost never missed and the exact Jaccard check removes the
 * extra candidates.
 *
 * <p>With {@code canonicalVariables}, a second stream of shingles renames single-letter variables
 * by first occurrence and drops their primes ({@code $x + y' = n$} reads {@code $v1 + v2 = v3$});
 * two problems are near duplicates when either stream's Jaccard reaches the threshold (and their
 * numbers and question words agree, as always).
 */
public record DedupSettings(
    @JsonPropertyDescription("words per shingle") int shingleSize,
    @JsonPropertyDescription("LSH bands") int bands,
    @JsonPropertyDescription("signature rows per band") int rows,
    @JsonPropertyDescription("Jaccard similarity from which two problems are near duplicates") double threshold,
    @JsonPropertyDescription("check candidate pairs with exact Jaccard (false: every band collision counts)") boolean verify,
    @JsonPropertyDescription("most problems of one LSH bucket paired all with all (with verify: of those with the same numbers and question words);"
        + " a larger group links each to its smallest id") int maxBucketPairs,
    @JsonPropertyDescription("also compare with single-letter variables renamed by first occurrence, primes dropped (x, y' -> v1, v2),"
        + " so a copy with renamed variables is found (only with verify: each pair is still checked)") boolean canonicalVariables)
    implements Serializable {

  public static final DedupSettings DEFAULTS = new DedupSettings(5, 20, 6, 0.75, true, 100, true);

  public DedupSettings {
    if (shingleSize < 1 || bands < 1 || rows < 1) {
      throw new IllegalArgumentException("shingle-size, bands and rows must be at least 1");
    }
    if (threshold <= 0 || threshold > 1) {
      throw new IllegalArgumentException("threshold must be in (0, 1], not " + threshold);
    }
    if (maxBucketPairs < 2) {
      throw new IllegalArgumentException("max-bucket-pairs must be at least 2");
    }
    // Unverified candidates would join on a canonical bucket collision alone: the second stream
    // needs the check, so without it the stream is off (and reports say so).
    canonicalVariables = canonicalVariables && verify;
  }
}
