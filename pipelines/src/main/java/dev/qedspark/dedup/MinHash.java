package dev.qedspark.dedup;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Word shingles, MinHash signatures and LSH band keys, in plain Java so executors need nothing
 * else. Hashes are 64-bit and seeded by fixed constants: the same text gives the same signature
 * on every machine and run.
 */
public final class MinHash {
  private MinHash() {}

  /**
   * The distinct hashes of the token n-grams, sorted. A text shorter than n tokens is one shingle.
   */
  public static long[] shingles(List<String> tokens, int n) {
    if (tokens == null || tokens.isEmpty()) {
      return new long[0];
    }
    int count = Math.max(1, tokens.size() - n + 1);
    long[] hashes = new long[count];
    for (int i = 0; i < count; i++) {
      long h = 0x9E3779B97F4A7C15L;
      for (int j = i; j < Math.min(tokens.size(), i + n); j++) {
        h = mix(h ^ fnv(tokens.get(j)));
      }
      hashes[i] = h;
    }
    return Arrays.stream(hashes).sorted().distinct().toArray();
  }

  /** The MinHash signature: for each of {@code k} seeded hash functions, the least value. */
  public static long[] signature(long[] shingles, int k) {
    long[] signature = new long[k];
    Arrays.fill(signature, Long.MAX_VALUE);
    for (long s : shingles) {
      for (int i = 0; i < k; i++) {
        long h = mix(s ^ seed(i));
        if (h < signature[i]) {
          signature[i] = h;
        }
      }
    }
    return signature;
  }

  /** The key of band {@code band}: a hash of its {@code rows} signature values. */
  public static long bandKey(long[] signature, int band, int rows) {
    long h = mix(band + 0x632BE59BD9B4E019L);
    for (int i = band * rows; i < (band + 1) * rows; i++) {
      h = mix(h ^ signature[i]);
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
    return mix(0xD1B54A32D192ED03L * (i + 1));
  }

  static long fnv(String token) {
    long h = 0xcbf29ce484222325L;
    for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** SplitMix64's finalizer: a fast, well-mixed bijection on longs. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
