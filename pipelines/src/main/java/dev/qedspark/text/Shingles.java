package dev.qedspark.text;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Token n-grams as 64-bit hashes, shared by near-duplicate detection (word shingles) and
 * decontamination (13-grams). Hashes use fixed constants, so the same tokens give the same
 * values on every machine and run.
 */
public final class Shingles {
  private Shingles() {}

  /** The distinct hashes of the token n-grams, sorted. A text shorter than n tokens is one shingle. */
  public static long[] of(List<String> tokens, int n) {
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

  /** FNV-1a over the UTF-8 bytes of a token. */
  static long fnv(String token) {
    long h = 0xcbf29ce484222325L;
    for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** SplitMix64's finalizer: a fast, well-mixed bijection on longs. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
