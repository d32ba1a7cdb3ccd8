package dev.qedspark.dedup;

import java.util.ArrayList;
import java.util.List;

/**
 * Normalized tokens with every single-letter variable written as one symbol and its primes
 * dropped: {@code $ x + y ' = n $} and {@code $ a + b = c $} both read {@code $ v + v = v $}. A
 * copy that calls its variables otherwise, or renames only some of them ({@code x'} for
 * {@code x}, {@code u} for {@code x} but {@code x_1} kept), then reads like the original.
 * Outside math ({@code $ ... $}) statements name variables too ("for every integer n"), so single
 * letters are replaced there as well, except "a", which is mostly the article.
 *
 * <p>This stream is only a second view for near-duplicate search: the numbers and question words
 * of both texts must still agree, so problems that differ in their constants stay apart.
 */
final class CanonicalVariables {
  static final String VARIABLE = "\u0001v";

  private CanonicalVariables() {}

  static List<String> of(List<String> tokens) {
    List<String> out = new ArrayList<>(tokens.size());
    boolean math = false;
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      if (t.equals("$")) {
        math = !math;
      } else if (t.length() == 1 && Character.isLetter(t.charAt(0)) && (math || t.charAt(0) != 'a')) {
        while (i + 1 < tokens.size() && tokens.get(i + 1).equals("'")) {
          i++;
        }
        out.add(VARIABLE);
        continue;
      }
      out.add(t);
    }
    return out;
  }
}
