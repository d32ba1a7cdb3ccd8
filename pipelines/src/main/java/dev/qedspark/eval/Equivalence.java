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
   * Values for the variables, one row per evaluation: positive odd integers, then negative and
   * even ones, then fractions, so that {@code |x|} and {@code x}, {@code (-1)^n} and {@code -1}, or
   * {@code \lfloor n/2 \rfloor} and {@code (n-1)/2} come out different.
   */
  private static final long[][][] POINTS = {
      {{7, 1}, {11, 1}, {13, 1}, {17, 1}, {19, 1}, {23, 1}},
      {{-4, 1}, {6, 1}, {-9, 1}, {10, 1}, {-15, 1}, {2, 1}},
      {{5, 2}, {-7, 3}, {9, 4}, {-11, 6}, {13, 5}, {-3, 7}}};

  private final BigDecimal tolerance;
  private boolean usedTolerance;

  /** @param relativeTolerance how far apart two numbers may be, relative to the larger; 0: exactly equal */
  Equivalence(double relativeTolerance) {
    this.tolerance = BigDecimal.valueOf(relativeTolerance);
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
      return inOrder(x.items(), y.items(), env); // a = 2, b = 3 against (2, 3)
    }
    if (b instanceof Unordered y && a instanceof Sequence x && distinctlyNamed(y) && x.open() == '(') {
      return inOrder(x.items(), y.items(), env);
    }
    if (a instanceof Unordered x && b instanceof Unordered y) {
      return collections(x, y, env);
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
      return true;
    }
    if (tolerance.signum() == 0 || a.infinity() != 0 || b.infinity() != 0) {
      return false;
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
   * As sets, unless the gold repeats an item (then as multisets). Values named with distinct
   * names ({@code AB = 4, CD = 5}) against unnamed ones ({@code 4, 5}) compare in the order
   * written: the order in which the problem asked for them.
   */
  private boolean collections(Unordered gold, Unordered given, Map<String, Real> env) {
    if (distinctlyNamed(gold) && unnamed(given) || distinctlyNamed(given) && unnamed(gold)) {
      return inOrder(gold.items(), given.items(), env);
    }
    if (!repeats(gold, env)) {
      return covers(gold.items(), given.items(), env) && covers(given.items(), gold.items(), env);
    }
    if (gold.items().size() != given.items().size()) {
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

  private boolean repeats(Unordered items, Map<String, Real> env) {
    for (int i = 0; i < items.items().size(); i++) {
      for (int j = i + 1; j < items.items().size(); j++) {
        if (same(items.items().get(i), items.items().get(j), env)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean distinctlyNamed(Unordered items) {
    List<String> names = items.items().stream().map(i -> i instanceof Named n ? n.name() : null).toList();
    return items.items().size() > 1 && !names.contains(null) && Set.copyOf(names).size() == names.size();
  }

  private static boolean unnamed(Unordered items) {
    return items.items().stream().noneMatch(i -> i instanceof Named);
  }

  /** {@code a:b} equals {@code ka:kb} for any non-zero k, and a two-term ratio equals its quotient. */
  private boolean ratios(Item a, Item b, Map<String, Real> env) {
    List<Real> x = terms(a, env);
    List<Real> y = terms(b, env);
    if (x == null || y == null) {
      return false;
    }
    if (x.size() == 1 || y.size() == 1) {
      List<Real> pair = x.size() == 1 ? y : x;
      Real single = (x.size() == 1 ? x : y).get(0);
      return pair.size() == 2 && pair.get(1).signum() != 0 && numbers(pair.get(0).divide(pair.get(1)), single);
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
      Real x;
      Real y;
      try {
        x = MathParser.evaluate(f, env);
        y = MathParser.evaluate(g, env);
      } catch (Real.TooLarge e) {
        throw e;
      } catch (ArithmeticException e) {
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

  private static Map<String, Real> shifted(Map<String, Real> env) {
    Map<String, Real> moved = new HashMap<>();
    env.forEach((name, value) -> moved.put(name, value.add(Real.of(BigInteger.ONE, BigInteger.valueOf(3)))));
    return moved;
  }
}
