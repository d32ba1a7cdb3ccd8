package dev.qedspark.dedup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Normalized tokens with single-letter variables renamed by first occurrence and their primes
 * dropped: {@code $ x + y ' = n $} and {@code $ a + b = c $} both read {@code $ v1 + v2 = v3 $}.
 * Two statements that differ only in what their variables are called read the same; statements
 * whose variables play different parts stay apart ({@code f(x+f(y)) = f(x)+y} is not
 * {@code f(x+f(y)) = f(y)+x}). Primes go because a copy that decorates its variables
 * ({@code x'} for {@code x}) is the same problem. Outside math ({@code $ ... $}) statements name
 * variables too ("for every integer n"), so single letters are renamed there as well, except
 * "a", which is mostly the article.
 *
 * <p>This stream is only a second view for near-duplicate search: the numbers and question words
 * of both texts must still agree, so problems that differ in their constants stay apart.
 */
final class CanonicalVariables {
  private CanonicalVariables() {}

  static List<String> of(List<String> tokens) {
    List<String> out = new ArrayList<>(tokens.size());
    Map<String, String> names = new HashMap<>();
    boolean math = false;
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      if (t.equals("$")) {
        math = !math;
      } else if (t.length() == 1 && Character.isLetter(t.charAt(0)) && (math || t.charAt(0) != 'a')) {
        while (i + 1 < tokens.size() && tokens.get(i + 1).equals("'")) {
          i++;
        }
        out.add(names.computeIfAbsent(t, n -> "\u0001v" + (names.size() + 1)));
        continue;
      }
      out.add(t);
    }
    return out;
  }
}
