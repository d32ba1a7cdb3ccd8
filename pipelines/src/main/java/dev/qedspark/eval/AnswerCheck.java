package dev.qedspark.eval;

import dev.qedspark.eval.MathParser.Expr;
import dev.qedspark.eval.MathParser.Item;
import dev.qedspark.eval.MathParser.Named;
import dev.qedspark.eval.MathParser.Node;
import dev.qedspark.eval.MathParser.Relation;
import dev.qedspark.eval.MathParser.Relations;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether an extracted answer equals the gold answer, without a model where it can. It
 * never calls two answers equal that it has not shown equal: what it cannot decide is
 * {@link Outcome#UNDECIDED}, for a judge. The rules, each named in the verdict's {@code method}:
 * <ul>
 *   <li>{@code symbolic}: both read as mathematics ({@link MathText}, {@link MathParser}) and have
 *       the same value: exactly, as fractions, when only rational arithmetic is involved (so
 *       {@code 0.5 = \frac{1}{2}} and {@code 4\cdot3^{2023}} is compared digit for digit); to 40
 *       significant digits when {@code \pi} or a root is involved; to 1e-9 relative when a double
 *       took part (trigonometry); within {@code eval.numeric-tolerance} when one is set
 *       ({@code numeric (tolerance)}); a rational number that agrees with an approximation
 *       only that far is undecided. With variables, the answers must agree at every one of
 *       eight sets of values ({@link Equivalence}) where both are defined, at least two; where
 *       one is defined and the other is not, the verdict is {@code domain}. Tuples, intervals and matrices compare in order with their brackets;
 *       lists, sets and "x = 2 or x = 3" as sets; {@code x = 1, y = 2} keeps its names.</li>
 *   <li>{@code set}: relations in one variable, double inequalities, {@code x \in [a, b]},
 *       intervals and unions compare as the sets of numbers they describe ({@link RealSet}).</li>
 *   <li>{@code equation}: two equations are equal when one is the other rearranged and multiplied
 *       by a non-zero constant; inequalities in several variables likewise with a positive one.
 *       Relations not shown equal are left undecided, never called different.</li>
 *   <li>{@code percent}: {@code 28\%} or "28 percent" against a plain number equals 28 (the
 *       question asked for a percentage) and 0.28 (it asked for a fraction); two percentages
 *       compare their numbers.</li>
 *   <li>{@code words and mathematics}: words compare as words and the mathematics between them
 *       as mathematics ({@link MixedAnswer}); {@code text}: the same text, case, spacing and
 *       markup aside.</li>
 * </ul>
 * Each check runs on its own thread with a time limit, and numbers beyond {@link Real#MAX_BITS}
 * bits stop it early, so no answer can hang a task.
 */
public final class AnswerCheck {
  /** What the check concluded. */
  public enum Outcome { EQUAL, DIFFERENT, UNDECIDED }

  /** How: {@code method} names the rule that decided, or why none could; {@code note} says more. */
  public record Verdict(Outcome outcome, String method, String note) implements java.io.Serializable {}

  /**
   * @param timeoutMillis time limit of one check
   * @param relativeTolerance how far apart two numbers may be, relative to the larger, and still be equal; 0: exactly
   */
  public record Options(long timeoutMillis, double relativeTolerance) implements java.io.Serializable {
    public static final Options DEFAULTS = new Options(2_000, 0);

    public Options {
      if (timeoutMillis < 1) {
        throw new IllegalArgumentException("the time limit must be at least 1 ms, not " + timeoutMillis);
      }
      if (!(relativeTolerance >= 0 && relativeTolerance < 1)) {
        throw new IllegalArgumentException("numeric-tolerance must be at least 0 and below 1, not " + relativeTolerance);
      }
    }
  }

  /** Everything a person needs to see why a response scored what it did. */
  public record Explanation(String extracted, String goldNormalized, String answerNormalized, Verdict verdict) {}

  /** A percentage: a number followed by {@code %} or the word "percent". */
  private static final Pattern PERCENT = Pattern.compile("(?i)([^%,]+?)\\s*(?:%|percent)");

  private static final ExecutorService WORKERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "qed-answer-check");
    t.setDaemon(true);
    return t;
  });

  private AnswerCheck() {}

  /** Extracts the response's final answer as {@code extraction} says and checks it, with every step shown. */
  public static Explanation explain(String gold, String response, FinalAnswer.Extraction extraction, Options options) {
    String extracted = FinalAnswer.of(response, extraction);
    return extracted == null ? new Explanation(null, MathText.normalize(gold), null, check(gold, null, options))
        : explainAnswer(gold, extracted, options);
  }

  /** Checks an answer already extracted, with every step shown. */
  public static Explanation explainAnswer(String gold, String answer, Options options) {
    return new Explanation(answer, MathText.normalize(gold), MathText.normalize(answer), check(gold, answer, options));
  }

  /** Checks exactly, with a time limit; a check still running then is UNDECIDED ("timeout"). */
  public static Verdict check(String gold, String answer, long timeoutMillis) {
    return check(gold, answer, new Options(timeoutMillis, 0));
  }

  /** Checks with the options' time limit and tolerance. */
  public static Verdict check(String gold, String answer, Options options) {
    Future<Verdict> future = WORKERS.submit(() -> checkHere(gold, answer, options.relativeTolerance()));
    try {
      return future.get(options.timeoutMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      return new Verdict(Outcome.UNDECIDED, "timeout", "the check took more than " + options.timeoutMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      return new Verdict(Outcome.UNDECIDED, "interrupted", null);
    } catch (ExecutionException e) {
      return new Verdict(Outcome.UNDECIDED, "error", "the check failed: " + e.getCause().getMessage());
    }
  }

  /** Checks exactly on the calling thread, without a time limit. */
  public static Verdict check(String gold, String answer) {
    return checkHere(gold, answer, 0);
  }

  private static Verdict checkHere(String gold, String answer, double tolerance) {
    try {
      return decideText(gold, answer, tolerance);
    } catch (RuntimeException | StackOverflowError e) {
      return new Verdict(Outcome.UNDECIDED, "error", "the check failed: " + e.getMessage());
    }
  }

  private static Verdict decideText(String gold, String answer, double tolerance) {
    if (answer == null || answer.isBlank()) {
      return new Verdict(Outcome.DIFFERENT, "no_answer", "the response has no final answer");
    }
    MathText.Normalized goldForm = MathText.normalized(gold);
    MathText.Normalized answerForm = MathText.normalized(answer);
    if (goldForm.unit() != null && answerForm.unit() != null && !goldForm.unit().equals(answerForm.unit())) {
      return new Verdict(Outcome.UNDECIDED, "units", "given in " + answerForm.unit() + ", the gold in " + goldForm.unit());
    }
    String goldText = goldForm.text();
    String answerText = answerForm.text();
    if ((goldForm.unit() != null && PERCENT.matcher(answerText).matches()) || (answerForm.unit() != null && PERCENT.matcher(goldText).matches())) {
      return new Verdict(Outcome.UNDECIDED, "units", "a percentage against a value in " + (goldForm.unit() != null ? goldForm.unit() : answerForm.unit()));
    }
    Matcher goldPercent = PERCENT.matcher(goldText);
    Matcher answerPercent = PERCENT.matcher(answerText);
    boolean goldIsPercent = goldPercent.matches();
    boolean answerIsPercent = answerPercent.matches();
    if (goldIsPercent == answerIsPercent) {
      return goldIsPercent ? normalized(goldPercent.group(1), answerPercent.group(1), tolerance)
          : normalized(goldText, answerText, tolerance);
    }
    String number = goldIsPercent ? goldPercent.group(1) : answerPercent.group(1);
    Verdict whole = goldIsPercent ? normalized(number, answerText, tolerance) : normalized(goldText, number, tolerance);
    // A plain number below 1 is more likely a fraction: 0.5 read as 0.5% is a judge's question.
    if (whole.outcome() == Outcome.EQUAL && belowOne(goldIsPercent ? answerText : goldText)) {
      whole = new Verdict(Outcome.UNDECIDED, "percent", "a number below 1 against a percentage: a fraction or a percentage?");
    }
    String hundredth = "(" + number + ")/100";
    Verdict fraction = goldIsPercent ? normalized(hundredth, answerText, tolerance) : normalized(goldText, hundredth, tolerance);
    if (whole.outcome() == Outcome.EQUAL || fraction.outcome() == Outcome.EQUAL) {
      return new Verdict(Outcome.EQUAL, "percent", number + "% read as " + (whole.outcome() == Outcome.EQUAL ? number : number + "/100"));
    }
    if (whole.outcome() == Outcome.DIFFERENT && fraction.outcome() == Outcome.DIFFERENT) {
      return new Verdict(Outcome.DIFFERENT, "percent", "neither " + number + " nor " + number + "/100");
    }
    return new Verdict(Outcome.UNDECIDED, "percent", whole.note());
  }

  private static boolean belowOne(String normalized) {
    try {
      MathParser.Item item = MathParser.parse(normalized);
      return item instanceof Expr e && MathParser.evaluate(e.node(), Map.of()).abs().decimal().compareTo(java.math.BigDecimal.ONE) < 0;
    } catch (MathParser.NotMath | ArithmeticException e) {
      return false;
    }
  }

  /** Compares two normalized answers. */
  private static Verdict normalized(String goldText, String answerText, double tolerance) {
    if (goldText.equals(answerText)) {
      return new Verdict(Outcome.EQUAL, "text", null);
    }
    Item expected;
    Item given;
    try {
      expected = MathParser.parse(goldText);
      given = MathParser.parse(answerText);
    } catch (MathParser.NotMath e) {
      Verdict mixed = MixedAnswer.compare(goldText, answerText, (a, b) -> normalized(a, b, tolerance));
      if (mixed != null && mixed.outcome() != Outcome.UNDECIDED) {
        return mixed;
      }
      if (MathText.plain(goldText).equals(MathText.plain(answerText))) {
        return new Verdict(Outcome.EQUAL, "text", null);
      }
      return mixed != null ? mixed : new Verdict(Outcome.UNDECIDED, "not_math", e.getMessage());
    }
    try {
      return decide(expected, given, tolerance);
    } catch (Real.TooLarge e) {
      return new Verdict(Outcome.UNDECIDED, "too_large", "a number of more than " + Real.MAX_BITS + " bits");
    }
  }

  private static Verdict decide(Item expected, Item given, double tolerance) {
    if ((expected instanceof Expr) != (given instanceof Expr) && (RealSet.describesSet(expected) || RealSet.describesSet(given))) {
      // A bare number against a relation (5 against x + 2 = 5, 2 against g(3) = 6) may answer another question.
      Verdict pointwise = pointwise(expected, given, tolerance);
      return pointwise.outcome() == Outcome.EQUAL ? pointwise
          : new Verdict(Outcome.UNDECIDED, "relation", "a number against a relation: which value does the relation give?");
    }
    if (RealSet.describesSet(expected) || RealSet.describesSet(given)) {
      Optional<RealSet> a = RealSet.of(expected);
      Optional<RealSet> b = RealSet.of(given);
      if (a.isPresent() && b.isPresent() && (a.get().variable() == null || b.get().variable() == null
          || a.get().variable().equals(b.get().variable()))) {
        try {
          if (a.get().sameAs(b.get())) {
            return new Verdict(Outcome.EQUAL, "set", null);
          }
        } catch (Equivalence.Undecidable e) {
          return new Verdict(Outcome.UNDECIDED, "set", e.getMessage());
        }
        if (a.get().sameIntegers(b.get())) {
          return new Verdict(Outcome.UNDECIDED, "set", "the same integers but not the same real numbers: the problem decides which it asks for");
        }
        return new Verdict(Outcome.DIFFERENT, "set", null);
      }
    }
    Node[] sides = relationSides(expected, given);
    if (sides != null) {
      boolean inequality = !(expected instanceof Named) && !((Relation) expected).op().equals("=");
      return Equivalence.proportional(sides[0], sides[1], inequality) ? new Verdict(Outcome.EQUAL, "equation", null)
          : new Verdict(Outcome.UNDECIDED, "equation", "not shown to be the same " + (inequality ? "inequality" : "equation"));
    }
    if (relational(expected) || relational(given)) {
      Verdict pointwise = pointwise(expected, given, tolerance);
      return pointwise.outcome() == Outcome.EQUAL ? pointwise
          : new Verdict(Outcome.UNDECIDED, "relation", "relations that could not be shown to have the same solutions");
    }
    return pointwise(expected, given, tolerance);
  }

  /**
   * The two answers as {@code f op 0} and {@code g op 0} when both are equations (or both the same
   * kind of inequality) that only rearranging can show equal: {@code 2x + 4y - 3 = 0} and
   * {@code y = -x/2 + 3/4}. Null otherwise; {@code y = 2x + 1} against {@code y = 2x + 2} names the
   * same variable and compares by value.
   */
  private static Node[] relationSides(Item expected, Item given) {
    if (expected instanceof Named x && given instanceof Named y && x.name().equals(y.name())) {
      return null;
    }
    Relation a = asEquation(expected);
    Relation b = asEquation(given);
    if (a == null || b == null || !a.op().equals(b.op()) || a.op().equals("!=")) {
      return null;
    }
    return new Node[] {difference(a), difference(b)};
  }

  private static Relation asEquation(Item item) {
    if (item instanceof Relation r) {
      return r;
    }
    if (item instanceof Named n && n.value() instanceof Expr e && !MathParser.variables(e.node(), new TreeSet<>()).isEmpty()
        && !n.name().contains("(")) {
      return new Relation(new MathParser.Var(n.name()), "=", e.node());
    }
    return null;
  }

  private static Node difference(Relation r) {
    return new MathParser.Op("-", List.of(r.lhs(), r.rhs()));
  }

  private static boolean relational(Item item) {
    return item instanceof Relation || item instanceof Relations
        || item instanceof MathParser.Unordered u && u.items().stream().anyMatch(AnswerCheck::relational);
  }

  /** The answers' values at the variables' evaluation points. */
  private static Verdict pointwise(Item expected, Item given, double tolerance) {
    Set<String> names = new TreeSet<>(MathParser.variables(expected));
    names.addAll(MathParser.variables(given));
    Equivalence equivalence = new Equivalence(tolerance, names.isEmpty());
    String method = names.isEmpty() ? "symbolic" : "symbolic (variables)";
    int decided = 0;
    // Two expressions are evaluated whole by same(), so only a failure asks which side is undefined;
    // collections may stop early, so for them both sides are tried first.
    boolean expressions = expected instanceof Expr && given instanceof Expr;
    Verdict domain = new Verdict(Outcome.UNDECIDED, "domain", "one answer is defined where the other is not");
    for (Map<String, Real> env : Equivalence.points(names)) {
      boolean same;
      if (!expressions && Equivalence.evaluable(expected, env) != Equivalence.evaluable(given, env)) {
        return domain;
      }
      try {
        same = equivalence.same(expected, given, env);
      } catch (Equivalence.Undecidable e) {
        return expressions && Equivalence.evaluable(expected, env) != Equivalence.evaluable(given, env) ? domain
            : new Verdict(Outcome.UNDECIDED, method, e.getMessage());
      } catch (Real.TooLarge e) {
        throw e;
      } catch (ArithmeticException e) {
        if (expressions && Equivalence.evaluable(expected, env) != Equivalence.evaluable(given, env)) {
          return domain;
        }
        continue;
      }
      if (!same) {
        return new Verdict(Outcome.DIFFERENT, method, null);
      }
      decided++;
      if (names.isEmpty()) {
        break;
      }
    }
    if (decided == 0 || (!names.isEmpty() && decided < 2)) {
      return new Verdict(Outcome.UNDECIDED, "not_evaluable", "the answers could not be evaluated");
    }
    return new Verdict(Outcome.EQUAL, equivalence.usedTolerance() ? "numeric (tolerance)" : method, null);
  }
}
