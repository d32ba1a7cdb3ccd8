package dev.qedspark.common;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean" for keys, options and commands: the closest candidate by edit distance. */
public final class Suggestions {
  private Suggestions() {}

  /** The candidate nearest to {@code typed}, if it is close enough to be a plausible typo. */
  public static Optional<String> closest(String typed, Collection<String> candidates) {
    int limit = Math.max(2, typed.length() / 3);
    return candidates.stream()
        .filter(c -> distance(typed.toLowerCase(), c.toLowerCase()) <= limit)
        .min(Comparator.comparingInt((String c) -> distance(typed.toLowerCase(), c.toLowerCase()))
            .thenComparing(Comparator.naturalOrder()));
  }

  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) previous[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
