package dev.qedspark.dedup;

import dev.qedspark.text.Shingles;
import java.util.Arrays;
import java.util.List;

/**
 * MinHash signatures and LSH band keys over {@link Shingles}, in plain Java so executors need nothing
 * else. Hashes are 64-bit and seeded by fixed constants: the same text gives the same signature
 * on every machine and run.
 */
public final class MinHash {
  private MinHash() {}

  /** The MinHash signature: for each of {@code k} seeded hash functions, the least value. */
  public static long[] signature(long[] shingles, int k) {
    long[] signature = new long[k];
    Arrays.fill(signature, Long.MAX_VALUE);
    for (long s : shingles) {
      for (int i = 0; i < k; i++) {
        long h = Shingles.mix(s ^ seed(i));
        if (h < signature[i]) {
          signature[i] = h;
        }
      }
    }
    return signature;
  }

  /** The key of band {@code band}: a hash of its {@code rows} signature values. */
  public static long bandKey(long[] signature, int band, int rows) {
    long h = Shingles.mix(band + 0x632BE59BD9B4E019L);
    for (int i = band * rows; i < (band + 1) * rows; i++) {
      h = Shingles.mix(h ^ signature[i]);
    }
    return h;
  }

  /** Exact Jaccard similarity of two sorted sets of hashes. */
  public static double jaccard(long[] a, long[] b) {
    if (a.length == 0 && b.length == 0) {
      return 1;
    }
    int i = 0;
    int j = 0;
    int shared = 0;
    while (i < a.length && j < b.length) {
      if (a[i] == b[j]) {
        shared++;
        i++;
        j++;
      } else if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    return shared / (double) (a.length + b.length - shared);
  }

  /**
   * The probability that two texts with Jaccard similarity {@code s} share at least one band of
   * {@code rows} rows out of {@code bands}: 1 - (1 - s^r)^b, the LSH S-curve.
   */
  public static double candidateProbability(double s, int bands, int rows) {
    return 1 - Math.pow(1 - Math.pow(s, rows), bands);
  }

  private static long seed(int i) {
    return Shingles.mix(0xD1B54A32D192ED03L * (i + 1));
  }
}
