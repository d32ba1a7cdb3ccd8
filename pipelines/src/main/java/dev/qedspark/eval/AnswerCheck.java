package dev.qedspark.eval;

import dev.qedspark.eval.MathParser.Expr;
import dev.qedspark.eval.MathParser.Item;
import dev.qedspark.eval.MathParser.Relation;
import dev.qedspark.eval.MathParser.Sequence;
import dev.qedspark.eval.MathParser.Unordered;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Decides whether an extracted answer equals the gold answer, without a model where it can.
 *
 * <p>Both are normalized ({@link MathText}) and read as mathematics ({@link MathParser}). Two
 * expressions are equal when they have the same value: exactly, as fractions, when only
 * rational arithmetic is involved (so {@code 0.5 = \frac{1}{2}} and {@code 4\cdot3^{2023}} is
 * compared digit for digit); to 40 significant digits when {@code \pi} or a root is involved;
 * with variables, when they agree at three sets of values for the variables (positive, negative
 * and even, fractional), at least two of which both can be evaluated at (an identity that holds
 * at such points holds, with high probability, everywhere; a factorial of a fraction cannot be
 * evaluated, so such answers are decided on integers or left undecided).
 * Tuples and intervals compare in order and with their brackets; lists, sets, unions and
 * "x = 2 or x = 3" compare as collections; {@code x = 1, y = 2} keeps its names. Text that is
 * not mathematics compares as text, ignoring case, spacing and markup. What none of this decides is {@link Outcome#UNDECIDED}, for a judge.
 *
 * <p>Each check runs on its own thread with a time limit, and numbers beyond
 * {@link Real#MAX_BITS} bits stop it early, so no answer can hang a task.
 */
public final class AnswerCheck {
  /** What the check concluded. */
  public enum Outcome { EQUAL, DIFFERENT, UNDECIDED }

  /** How: {@code method} is symbolic, numeric, text, or why it could not decide. */
  public record Verdict(Outcome outcome, String method, String note) {}

  /**
   * Values for the variables, one row per evaluation: positive odd integers, then negative and
   * even ones, then fractions, so that {@code |x|} and {@code x}, {@code (-1)^n} and {@code -1}, or
   * {@code \lfloor n/2 \rfloor} and {@code (n-1)/2} come out different.
   */
  private static final long[][][] POINTS = {
      {{7, 1}, {11, 1}, {13, 1}, {17, 1}, {19, 1}, {23, 1}},
      {{-4, 1}, {6, 1}, {-9, 1}, {10, 1}, {-15, 1}, {2, 1}},
      {{5, 2}, {-7, 3}, {9, 4}, {-11, 6}, {13, 5}, {-3, 7}}};
  private static final ExecutorService WORKERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "qed-answer-check");
    t.setDaemon(true);
    return t;
  });

  private AnswerCheck() {}

  /** Checks with the time limit; a check still running then is UNDECIDED ("timeout"). */
  public static Verdict check(String gold, String answer, long timeoutMillis) {
    Future<Verdict> future = WORKERS.submit(() -> check(gold, answer));
    try {
      return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      return new Verdict(Outcome.UNDECIDED, "timeout", "the check took more than " + timeoutMillis + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      return new Verdict(Outcome.UNDECIDED, "interrupted", null);
    } catch (ExecutionException e) {
      return new Verdict(Outcome.UNDECIDED, "error", String.valueOf(e.getCause()));
    }
  }

  /** Checks on the calling thread. */
  public static Verdict check(String gold, String answer) {
    if (answer == null || answer.isBlank()) {
      return new Verdict(Outcome.DIFFERENT, "no_answer", "the response has no final answer");
    }
    String goldText = MathText.normalize(gold);
    String answerText = MathText.normalize(answer);
    if (goldText.equals(answerText)) {
      return new Verdict(Outcome.EQUAL, "text", null);
    }
    Item expected;
    Item given;
    try {
      expected = MathParser.parse(goldText);
      given = MathParser.parse(answerText);
    } catch (MathParser.NotMath e) {
      // Words: compared as text, case, spacing and LaTeX markup aside; else left to a judge.
      if (MathText.plain(gold).equals(MathText.plain(answer))) {
        return new Verdict(Outcome.EQUAL, "text", null);
      }
      return new Verdict(Outcome.UNDECIDED, "not_math", e.getMessage());
    }
    try {
      Set<String> names = new TreeSet<>(MathParser.variables(expected));
      names.addAll(MathParser.variables(given));
      int decided = 0;
      for (long[][] point : POINTS) {
        Map<String, Real> env = new HashMap<>();
        int i = 0;
        for (String name : names) {
          long[] value = point[i % point.length];
          env.put(name, Real.of(java.math.BigInteger.valueOf(value[0] + (long) (i / point.length) * 100 * Long.signum(value[0])),
              java.math.BigInteger.valueOf(value[1])));
          i++;
        }
        Boolean same;
        try {
          same = same(unwrap(expected), unwrap(given), env);
        } catch (Real.TooLarge e) {
          throw e;
        } catch (ArithmeticException e) {
          continue;
        }
        if (!same) {
          return new Verdict(Outcome.DIFFERENT, names.isEmpty() ? "symbolic" : "symbolic (variables)", null);
        }
        decided++;
        if (names.isEmpty()) {
          break;
        }
      }
      if (decided == 0 || (!names.isEmpty() && decided < 2)) {
        return new Verdict(Outcome.UNDECIDED, "not_evaluable", "the answers could not be evaluated");
      }
      return new Verdict(Outcome.EQUAL, names.isEmpty() ? "symbolic" : "symbolic (variables)", null);
    } catch (Real.TooLarge e) {
      return new Verdict(Outcome.UNDECIDED, "too_large", e.getMessage());
    }
  }

  private static Item unwrap(Item item) {
    return item instanceof Unordered u && u.items().size() == 1 ? unwrap(u.items().get(0)) : item;
  }

  private static boolean same(Item a, Item b, Map<String, Real> env) {
    a = unwrap(a);
    b = unwrap(b);
    if (a instanceof MathParser.Named x && b instanceof MathParser.Named y) {
      return x.name().equals(y.name()) && same(x.value(), y.value(), env);
    }
    if (a instanceof MathParser.Named x) {
      return same(x.value(), b, env);
    }
    if (b instanceof MathParser.Named y) {
      return same(a, y.value(), env);
    }
    if (a instanceof Expr x && b instanceof Expr y) {
      return MathParser.evaluate(x.node(), env).sameAs(MathParser.evaluate(y.node(), env));
    }
    if (a instanceof Sequence x && b instanceof Sequence y) {
      if (x.open() != y.open() || x.close() != y.close() || x.items().size() != y.items().size()) {
        return false;
      }
      for (int i = 0; i < x.items().size(); i++) {
        if (!same(x.items().get(i), y.items().get(i), env)) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Unordered x && b instanceof Unordered y) {
      if (x.items().size() != y.items().size()) {
        return false;
      }
      List<Item> left = new ArrayList<>(y.items());
      for (Item item : x.items()) {
        int match = -1;
        for (int i = 0; i < left.size() && match < 0; i++) {
          if (same(item, left.get(i), env)) {
            match = i;
          }
        }
        if (match < 0) {
          return false;
        }
        left.remove(match);
      }
      return true;
    }
    if (a instanceof Relation x && b instanceof Relation y) {
      if (!x.op().equals(y.op())) {
        return false;
      }
      boolean straight = MathParser.evaluate(x.lhs(), env).sameAs(MathParser.evaluate(y.lhs(), env))
          && MathParser.evaluate(x.rhs(), env).sameAs(MathParser.evaluate(y.rhs(), env));
      boolean symmetric = x.op().equals("=") || x.op().equals("!=");
      return straight || (symmetric && MathParser.evaluate(x.lhs(), env).sameAs(MathParser.evaluate(y.rhs(), env))
          && MathParser.evaluate(x.rhs(), env).sameAs(MathParser.evaluate(y.lhs(), env)));
    }
    return false;
  }
}
