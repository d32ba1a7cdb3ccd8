package dev.qedspark.eval;

import dev.qedspark.eval.MathParser.Expr;
import dev.qedspark.eval.MathParser.Item;
import dev.qedspark.eval.MathParser.Named;
import dev.qedspark.eval.MathParser.Node;
import dev.qedspark.eval.MathParser.Ratio;
import dev.qedspark.eval.MathParser.Relation;
import dev.qedspark.eval.MathParser.Sequence;
import dev.qedspark.eval.MathParser.Unordered;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether two parsed answers have the same value at given values of their variables: numbers by
 * value (within a relative tolerance when one is set), tuples, intervals and matrices in order
 * with their brackets, collections as sets (as multisets when the gold repeats an item), ratios up
 * to a factor, and values given names ({@code x = 2}) by name, or by value against unnamed ones.
 */
final class Equivalence {
  /**
   * Values for the variables, one row per evaluation: positive odd integers, negative and even
   * ones, fractions, multiples of small numbers, small integers, so that {@code |x|} and {@code x},
   * {@code (-1)^n} and {@code (-1)^{n(n-1)/2}}, {@code \lfloor n/3 \rfloor} and
   * {@code \lfloor (n-1)/3 \rfloor}, or {@code \cos 4\pi x} and 1 come out different. Two
   * answers with variables are equal only when they agree at every row both can be evaluated at,
   * at least two.
   */
  private static final long[][][] POINTS = {
      {{7, 1}, {11, 1}, {13, 1}, {17, 1}, {19, 1}, {23, 1}},
      {{-4, 1}, {6, 1}, {-9, 1}, {10, 1}, {-15, 1}, {2, 1}},
      {{5, 2}, {-7, 3}, {9, 4}, {-11, 6}, {13, 5}, {-3, 7}},
      // multiples of 2, 3, 4, 5 and 6, where floors and signs of (-1)^(...) change
      {{60, 1}, {12, 1}, {30, 1}, {120, 1}, {42, 1}, {90, 1}},
      {{1, 3}, {2, 7}, {-5, 8}, {11, 9}, {3, 10}, {-13, 12}},
      {{37, 1}, {-60, 1}, {25, 1}, {-31, 1}, {48, 1}, {101, 1}},
      {{1, 1}, {3, 1}, {5, 1}, {2, 1}, {4, 1}, {6, 1}},
      {{-22, 7}, {17, 4}, {-101, 11}, {7, 16}, {45, 13}, {-2, 9}}};

  /** Thrown where two answers cannot be told equal or different by value: a question for a judge. */
  static final class Undecidable extends ArithmeticException {
    Undecidable(String why) {
      super(why);
    }
  }

  private static final BigDecimal LARGE = new BigDecimal("1e30");
  private final BigDecimal tolerance;
  private final boolean constants;
  private boolean usedTolerance;

  /**
   * @param relativeTolerance how far apart two numbers may be, relative to the larger; 0: exactly equal
   * @param constants whether the answers have no variables: then a rational number that agrees
   *     with a value computed in doubles ({@code \\ln 2} against {@code 0.6931471806}) only to a
   *     double's precision is a judge's question, not a match
   */
  Equivalence(double relativeTolerance, boolean constants) {
    this.tolerance = BigDecimal.valueOf(relativeTolerance);
    this.constants = constants;
  }

  /** Whether a numeric tolerance decided some comparison. */
  boolean usedTolerance() {
    return usedTolerance;
  }

  /** One value for each variable per evaluation point. */
  static List<Map<String, Real>> points(Set<String> names) {
    List<Map<String, Real>> all = new ArrayList<>();
    for (long[][] point : POINTS) {
      Map<String, Real> env = new HashMap<>();
      int i = 0;
      for (String name : names) {
        long[] value = point[i % point.length];
        env.put(name, Real.of(BigInteger.valueOf(value[0] + (long) (i / point.length) * 100 * Long.signum(value[0])), BigInteger.valueOf(value[1])));
        i++;
      }
      all.add(env);
    }
    return all;
  }

  /**
   * Whether every value of an item can be computed at {@code env}: where one answer is defined
   * and the other is not ({@code \\ln x} and {@code \\ln|x|} at a negative x), they differ as
   * functions even when they agree wherever both are defined.
   */
  static boolean evaluable(Item item, Map<String, Real> env) {
    try {
      for (Node node : nodes(item, new ArrayList<>())) {
        MathParser.evaluate(node, env);
      }
      return true;
    } catch (Real.TooLarge e) {
      throw e;
    } catch (ArithmeticException e) {
      return false;
    }
  }

  private static List<Node> nodes(Item item, List<Node> into) {
    if (item instanceof Expr e) {
      into.add(e.node());
    } else if (item instanceof Named n) {
      nodes(n.value(), into);
    } else if (item instanceof Sequence s) {
      s.items().forEach(i -> nodes(i, into));
    } else if (item instanceof Unordered u) {
      u.items().forEach(i -> nodes(i, into));
    } else if (item instanceof Relation r) {
      into.add(r.lhs());
      into.add(r.rhs());
    } else if (item instanceof MathParser.Relations r) {
      r.all().forEach(x -> nodes(x, into));
    } else if (item instanceof Ratio r) {
      into.addAll(r.terms());
    }
    return into;
  }

  static Item unwrap(Item item) {
    return item instanceof Unordered u && u.items().size() == 1 ? unwrap(u.items().get(0)) : item;
  }

  boolean same(Item a, Item b, Map<String, Real> env) {
    a = unwrap(a);
    b = unwrap(b);
    if (a instanceof Named x && b instanceof Named y) {
      return x.name().equals(y.name()) && same(x.value(), y.value(), env);
    }
    if (a instanceof Named x) {
      return same(x.value(), b, env);
    }
    if (b instanceof Named y) {
      return same(a, y.value(), env);
    }
    if (a instanceof Expr x && b instanceof Expr y) {
      return numbers(MathParser.evaluate(x.node(), env), MathParser.evaluate(y.node(), env));
    }
    if (a instanceof Ratio || b instanceof Ratio) {
      return ratios(a, b, env);
    }
    if (a instanceof Sequence x && b instanceof Sequence y) {
      return x.open() == y.open() && x.close() == y.close() && inOrder(x.items(), y.items(), env);
    }
    if (a instanceof Unordered x && b instanceof Sequence y && distinctlyNamed(x) && y.open() == '(') {
      return namedInOrder(x, y.items(), env); // a = 2, b = 3 against (2, 3)
    }
    if (b instanceof Unordered y && a instanceof Sequence x && distinctlyNamed(y) && x.open() == '(') {
      return namedInOrder(y, x.items(), env);
    }
    if (a instanceof Unordered x && b instanceof Unordered y) {
      return x.union() == y.union() && collections(x, y, env);
    }
    if (a instanceof Unordered x && !x.union()) {
      return collections(x, new Unordered(List.of(b)), env);
    }
    if (b instanceof Unordered y && !y.union()) {
      return collections(new Unordered(List.of(a)), y, env);
    }
    if (a instanceof Relation x && b instanceof Relation y) {
      if (!x.op().equals(y.op())) {
        return false;
      }
      boolean straight = values(x.lhs(), y.lhs(), env) && values(x.rhs(), y.rhs(), env);
      boolean symmetric = x.op().equals("=") || x.op().equals("!=");
      return straight || (symmetric && values(x.lhs(), y.rhs(), env) && values(x.rhs(), y.lhs(), env));
    }
    return false;
  }

  private boolean values(Node a, Node b, Map<String, Real> env) {
    return numbers(MathParser.evaluate(a, env), MathParser.evaluate(b, env));
  }

  private boolean numbers(Real a, Real b) {
    if (a.sameAs(b)) {
      Real exact = a.exact() ? a : b;
      if (constants && a.exact() != b.exact() && exact.abs().decimal().compareTo(LARGE) >= 0) {
        throw new Undecidable("a whole number of 30 digits or more against an approximation: the digits that decide are beyond its precision");
      }
      if (constants && a.exact() != b.exact() && !a.sameAsExactly(b)) {
        throw new Undecidable("a rational number equal to an approximation only to " + (a.lowPrecision() || b.lowPrecision() ? "9" : "40")
            + " digits");
      }
      return true;
    }
    if (tolerance.signum() == 0 || a.infinity() != 0 || b.infinity() != 0 || (a.isInteger() && b.isInteger())) {
      return false; // two whole numbers are equal exactly or not at all
    }
    BigDecimal x = a.decimal();
    BigDecimal y = b.decimal();
    boolean close = x.subtract(y).abs().compareTo(x.abs().max(y.abs()).multiply(tolerance)) <= 0;
    usedTolerance |= close;
    return close;
  }

  private boolean inOrder(List<Item> a, List<Item> b, Map<String, Real> env) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!same(a.get(i), b.get(i), env)) {
        return false;
      }
    }
    return true;
  }

  /**
   * As sets when the gold is a set written with braces (a repeated item counts once), else as
   * multisets; a list that differs from the gold only by a repeated item is a judge's question.
   * Values named with distinct names ({@code AB = 4, CD = 5}) against unnamed ones ({@code 4, 5})
   * compare in the order written, the order the problem asked for them, when the names are in
   * alphabetical order; in another order ({@code y = 3, x = 5} against {@code (3, 5)}) which
   * order the other answer meant is unknown.
   */
  private boolean collections(Unordered gold, Unordered given, Map<String, Real> env) {
    if (distinctlyNamed(gold) && unnamed(given)) {
      return namedInOrder(gold, given.items(), env);
    }
    if (distinctlyNamed(given) && unnamed(gold)) {
      return namedInOrder(given, gold.items(), env);
    }
    boolean asSets = covers(gold.items(), given.items(), env) && covers(given.items(), gold.items(), env);
    if (gold.braced()) {
      return asSets;
    }
    if (gold.items().size() != given.items().size()) {
      if (asSets) {
        throw new Undecidable("the same values, one of them repeated");
      }
      return false;
    }
    List<Item> left = new ArrayList<>(given.items());
    for (Item item : gold.items()) {
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

  private boolean covers(List<Item> these, List<Item> those, Map<String, Real> env) {
    for (Item item : these) {
      if (those.stream().noneMatch(other -> same(item, other, env))) {
        return false;
      }
    }
    return true;
  }

  private boolean namedInOrder(Unordered named, List<Item> values, Map<String, Real> env) {
    List<String> names = named.items().stream().map(i -> ((Named) i).name()).toList();
    if (!names.equals(names.stream().sorted(Equivalence::naturalOrder).toList())) {
      throw new Undecidable("values named " + names + " against unnamed ones: in which order?");
    }
    return inOrder(named.items(), values, env);
  }

  private static boolean distinctlyNamed(Unordered items) {
    List<String> names = items.items().stream().map(i -> i instanceof Named n ? n.name() : null).toList();
    return items.items().size() > 1 && !names.contains(null) && Set.copyOf(names).size() == names.size();
  }

  private static boolean unnamed(Unordered items) {
    return items.items().stream().noneMatch(i -> i instanceof Named);
  }

  /**
   * A gold ratio in lowest whole terms ({@code 7:32}) equals any non-zero multiple of itself
   * ({@code 14:64}); one that is not ({@code 3:45}, perhaps a time) equals only itself, term by
   * term. A two-term ratio in lowest whole terms equals its quotient ({@code 7:32} is 7/32; {@code 6:30} is not 1/5).
   */
  private boolean ratios(Item a, Item b, Map<String, Real> env) {
    List<Real> x = terms(a, env);
    List<Real> y = terms(b, env);
    if (x == null || y == null) {
      return false;
    }
    if (x.size() > 1 && y.size() > 1 && !lowestWholeTerms(x)) {
      return x.size() == y.size() && java.util.stream.IntStream.range(0, x.size()).allMatch(i -> numbers(x.get(i), y.get(i)));
    }
    if (x.size() == 1 || y.size() == 1) {
      List<Real> pair = x.size() == 1 ? y : x;
      Real single = (x.size() == 1 ? x : y).get(0);
      return pair.size() == 2 && lowestWholeTerms(pair) && pair.get(1).signum() != 0 && numbers(pair.get(0).divide(pair.get(1)), single);
    }
    if (x.size() != y.size() || x.get(0).signum() == 0 || y.get(0).signum() == 0) {
      return false;
    }
    for (int i = 1; i < x.size(); i++) {
      if (!numbers(x.get(i).multiply(y.get(0)), y.get(i).multiply(x.get(0)))) {
        return false;
      }
    }
    return true;
  }

  /** Names in the order people sort them: {@code x_2} before {@code x_10}. */
  static int naturalOrder(String a, String b) {
    java.util.regex.Matcher x = NAME_PARTS.matcher(a);
    java.util.regex.Matcher y = NAME_PARTS.matcher(b);
    while (x.find() && y.find()) {
      String p = x.group();
      String q = y.group();
      int c = Character.isDigit(p.charAt(0)) && Character.isDigit(q.charAt(0)) ? new BigInteger(p).compareTo(new BigInteger(q)) : p.compareTo(q);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  private static final java.util.regex.Pattern NAME_PARTS = java.util.regex.Pattern.compile("\\d+|\\D+");

  private static boolean lowestWholeTerms(List<Real> terms) {
    BigInteger gcd = BigInteger.ZERO;
    for (Real t : terms) {
      if (!t.isInteger()) {
        return false;
      }
      gcd = gcd.gcd(t.num());
    }
    return gcd.equals(BigInteger.ONE);
  }

  private static List<Real> terms(Item item, Map<String, Real> env) {
    if (item instanceof Ratio r) {
      return r.terms().stream().map(t -> MathParser.evaluate(t, env)).toList();
    }
    return item instanceof Expr e ? List.of(MathParser.evaluate(e.node(), env)) : null;
  }

  /**
   * Whether {@code f = c g} for one constant c (positive when {@code positive}) at every point where
   * both can be evaluated, with at least two points where they are not zero: two equations (or
   * inequalities) with those sides then have the same solutions.
   */
  static boolean proportional(Node f, Node g, boolean positive) {
    Set<String> names = MathParser.variables(f, new java.util.TreeSet<>());
    MathParser.variables(g, names);
    Real factor = null;
    int decided = 0;
    List<Map<String, Real>> points = new ArrayList<>(points(names));
    points.addAll(points(names).stream().map(p -> shifted(p)).toList());
    for (Map<String, Real> env : points) {
      Real x = valueOrNull(f, env);
      Real y = valueOrNull(g, env);
      if ((x == null) != (y == null)) {
        return false; // defined where the other is not
      }
      if (x == null) {
        continue;
      }
      if (x.signum() == 0 || y.signum() == 0) {
        if (x.signum() != y.signum()) {
          return false;
        }
        continue;
      }
      Real ratio = x.divide(y);
      if (factor == null) {
        factor = ratio;
      } else if (!factor.sameAs(ratio)) {
        return false;
      }
      decided++;
    }
    return decided >= 2 && (!positive || factor.signum() > 0);
  }

  private static Real valueOrNull(Node node, Map<String, Real> env) {
    try {
      return MathParser.evaluate(node, env);
    } catch (Real.TooLarge e) {
      throw e;
    } catch (ArithmeticException e) {
      return null;
    }
  }

  private static Map<String, Real> shifted(Map<String, Real> env) {
    Map<String, Real> moved = new HashMap<>();
    env.forEach((name, value) -> moved.put(name, value.add(Real.of(BigInteger.ONE, BigInteger.valueOf(3)))));
    return moved;
  }
}
