package dev.qedspark.eval;

import dev.qedspark.eval.MathParser.Expr;
import dev.qedspark.eval.MathParser.Item;
import dev.qedspark.eval.MathParser.Named;
import dev.qedspark.eval.MathParser.Node;
import dev.qedspark.eval.MathParser.Relation;
import dev.qedspark.eval.MathParser.Relations;
import dev.qedspark.eval.MathParser.Sequence;
import dev.qedspark.eval.MathParser.Unordered;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A set of real numbers in one variable, read from what an answer writes about it: an
 * inequality linear in the variable ({@code -x > -1}), a double inequality ({@code -3 < a < 10}),
 * membership ({@code x \in [a, b]}), an interval, a union of intervals, relations joined by
 * "and" or by "or" ({@code x < 1 or x > 3}); relations joined by commas could mean either, and are
 * no set. Two answers that both read as sets are equal when the sets are; when
 * the sets differ but hold the same integers ({@code n > 2} and {@code n >= 3}), which one was
 * meant depends on the problem, so the check leaves it undecided.
 *
 * @param variable the variable the set is of, or null for a bare interval (any variable)
 * @param parts disjoint intervals in increasing order
 */
record RealSet(String variable, List<Interval> parts) {
  /** One interval; an infinite end is never closed. */
  record Interval(Real low, boolean lowClosed, Real high, boolean highClosed) {}

  private static final Real MINUS_INFINITY = Real.INFINITY.negate();

  /** Whether an answer says something only a set reading compares well: a relation, a membership or a union. */
  static boolean describesSet(Item item) {
    if (item instanceof Relation || item instanceof Relations) {
      return true;
    }
    if (item instanceof Named n) {
      return n.value() instanceof Sequence || n.value() instanceof Unordered;
    }
    return item instanceof Unordered u && (u.union() || u.items().stream().anyMatch(RealSet::describesSet));
  }

  /** The set an answer describes, or empty when it is not one set of one variable's values. */
  static Optional<RealSet> of(Item item) {
    try {
      return Optional.ofNullable(read(item));
    } catch (ArithmeticException e) {
      return Optional.empty();
    }
  }

  private static RealSet read(Item item) {
    if (item instanceof Relation r) {
      return fromRelation(r);
    }
    if (item instanceof Relations rs) {
      RealSet all = null;
      for (Relation r : rs.all()) {
        RealSet one = fromRelation(r);
        all = all == null ? one : one == null ? null : all.intersect(one);
        if (all == null) {
          return null;
        }
      }
      return all;
    }
    if (item instanceof Named n) {
      RealSet values = n.value() instanceof Expr e ? point(e.node()) : read(n.value());
      return values == null || (values.variable != null && !values.variable.equals(n.name())) ? null : new RealSet(n.name(), values.parts);
    }
    if (item instanceof Sequence s) {
      return interval(s);
    }
    if (item instanceof Expr e) {
      return point(e.node());
    }
    if (item instanceof Unordered u) {
      if (!u.union() && u.items().stream().anyMatch(i -> i instanceof Relation || i instanceof Relations)) {
        return null; // relations joined by commas: "and" or "or"?
      }
      RealSet all = new RealSet(null, List.of());
      for (Item member : u.items()) {
        RealSet one = member instanceof Expr e ? point(e.node()) : read(member);
        if (one == null) {
          return null;
        }
        all = all.union(one);
        if (all == null) {
          return null;
        }
      }
      return all;
    }
    return null;
  }

  /** A constant as the set holding it. */
  private static RealSet point(Node node) {
    if (!MathParser.variables(node, new java.util.TreeSet<>()).isEmpty()) {
      return null;
    }
    Real value = MathParser.evaluate(node, Map.of());
    return new RealSet(null, List.of(new Interval(value, true, value, true)));
  }

  /** {@code (a, b)}, {@code [a, b)} and the like with constant ends, the low end first. */
  private static RealSet interval(Sequence s) {
    if (s.items().size() != 2 || "([".indexOf(s.open()) < 0 || ")]".indexOf(s.close()) < 0
        || !(s.items().get(0) instanceof Expr lowText) || !(s.items().get(1) instanceof Expr highText)) {
      return null;
    }
    RealSet low = point(lowText.node());
    RealSet high = point(highText.node());
    if (low == null || high == null) {
      return null;
    }
    Real a = low.parts.get(0).low();
    Real b = high.parts.get(0).low();
    if (compare(a, b) > 0 || (s.open() == '[' && a.infinity() != 0) || (s.close() == ']' && b.infinity() != 0)) {
      return null; // no interval of real numbers
    }
    return new RealSet(null, List.of(new Interval(a, s.open() == '[', b, s.close() == ']')));
  }

  /** {@code lhs op rhs} when it is linear in its one variable: the values that satisfy it. */
  private static RealSet fromRelation(Relation r) {
    Set<String> names = MathParser.variables(r.lhs(), new java.util.TreeSet<>());
    MathParser.variables(r.rhs(), names);
    if (names.size() != 1) {
      return null;
    }
    String x = names.iterator().next();
    Node difference = new MathParser.Op("-", List.of(r.lhs(), r.rhs()));
    Real at0 = value(difference, x, 0);
    Real slope = value(difference, x, 1).add(at0.negate());
    // Linear: the difference agrees with slope * x + at0 at two more points.
    // Fractions too, so that \\lfloor x \\rfloor <= 2 is never taken for x <= 2.
    for (Real probe : List.of(Real.of(7), Real.of(-3), Real.of(BigInteger.ONE, BigInteger.TWO), Real.of(BigInteger.valueOf(-7), BigInteger.valueOf(3)),
        Real.of(BigInteger.TWO, BigInteger.valueOf(7)), Real.of(BigInteger.valueOf(5), BigInteger.valueOf(11)))) {
      if (!MathParser.evaluate(difference, Map.of(x, probe)).sameAs(slope.multiply(probe).add(at0))) {
        return null;
      }
    }
    if (slope.signum() == 0) {
      return null;
    }
    Real root = at0.negate().divide(slope);
    boolean closed = r.op().equals("<=") || r.op().equals("=");
    List<Interval> parts = switch (r.op()) {
      case "=" -> List.of(new Interval(root, true, root, true));
      case "!=" -> List.of(new Interval(MINUS_INFINITY, false, root, false), new Interval(root, false, Real.INFINITY, false));
      default -> slope.signum() > 0 ? List.of(new Interval(MINUS_INFINITY, false, root, closed))
          : List.of(new Interval(root, closed, Real.INFINITY, false));
    };
    return new RealSet(x, parts);
  }

  private static Real value(Node node, String x, long at) {
    return MathParser.evaluate(node, Map.of(x, Real.of(at)));
  }

  private static String sameVariable(RealSet a, RealSet b) {
    if (a.variable != null && b.variable != null && !a.variable.equals(b.variable)) {
      throw new ArithmeticException("sets of two variables");
    }
    return a.variable != null ? a.variable : b.variable;
  }

  private RealSet union(RealSet other) {
    List<Interval> all = new ArrayList<>(parts);
    all.addAll(other.parts);
    all.sort(Comparator.comparing(Interval::low, RealSet::compare).thenComparing(i -> !i.lowClosed()));
    List<Interval> merged = new ArrayList<>();
    for (Interval next : all) {
      Interval last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      int gap = last == null ? 1 : compare(next.low(), last.high());
      if (last != null && (gap < 0 || (gap == 0 && (last.highClosed() || next.lowClosed())))) {
        int end = compare(next.high(), last.high());
        merged.set(merged.size() - 1, end > 0 || (end == 0 && next.highClosed() && !last.highClosed())
            ? new Interval(last.low(), last.lowClosed(), next.high(), next.highClosed()) : last);
      } else {
        merged.add(next);
      }
    }
    return new RealSet(sameVariable(this, other), merged);
  }

  private RealSet intersect(RealSet other) {
    List<Interval> all = new ArrayList<>();
    for (Interval a : parts) {
      for (Interval b : other.parts) {
        int lows = compare(a.low(), b.low());
        int highs = compare(a.high(), b.high());
        Real low = lows >= 0 ? a.low() : b.low();
        boolean lowClosed = lows > 0 ? a.lowClosed() : lows < 0 ? b.lowClosed() : a.lowClosed() && b.lowClosed();
        Real high = highs <= 0 ? a.high() : b.high();
        boolean highClosed = highs < 0 ? a.highClosed() : highs > 0 ? b.highClosed() : a.highClosed() && b.highClosed();
        int width = compare(low, high);
        if (width < 0 || (width == 0 && lowClosed && highClosed)) {
          all.add(new Interval(low, lowClosed, high, highClosed));
        }
      }
    }
    return new RealSet(sameVariable(this, other), List.of()).union(new RealSet(null, all));
  }

  /**
   * Whether both hold the same real numbers. Ends that agree only as far as an approximation
   * goes ({@code \\ln 2} and {@code 0.6931471806}) make the question a judge's.
   */
  boolean sameAs(RealSet other) {
    if (parts.size() != other.parts.size()) {
      return false;
    }
    for (int i = 0; i < parts.size(); i++) {
      Interval a = parts.get(i);
      Interval b = other.parts.get(i);
      if (compare(a.low(), b.low()) != 0 || compare(a.high(), b.high()) != 0 || a.lowClosed() != b.lowClosed() || a.highClosed() != b.highClosed()) {
        return false;
      }
    }
    for (int i = 0; i < parts.size(); i++) {
      for (Real[] ends : List.of(new Real[] {parts.get(i).low(), other.parts.get(i).low()}, new Real[] {parts.get(i).high(), other.parts.get(i).high()})) {
        if (ends[0].exact() != ends[1].exact() && ends[0].infinity() == 0 && !ends[0].sameAsExactly(ends[1])) {
          throw new Equivalence.Undecidable("the ends of the sets agree only as far as an approximation goes");
        }
      }
    }
    return true;
  }

  /** Whether both hold the same integers: ranges of integers, infinite ends kept, adjacent ranges joined. */
  boolean sameIntegers(RealSet other) {
    return integers().equals(other.integers());
  }

  private List<List<Object>> integers() {
    List<List<Object>> ranges = new ArrayList<>();
    for (Interval part : parts) {
      Object low = part.low().infinity() != 0 ? "-inf" : ceiling(part.low(), !part.lowClosed());
      Object high = part.high().infinity() != 0 ? "inf" : floor(part.high(), !part.highClosed());
      if (low instanceof BigInteger l && high instanceof BigInteger h && l.compareTo(h) > 0) {
        continue;
      }
      List<Object> last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
      if (last != null && last.get(1) instanceof BigInteger end && low instanceof BigInteger start && end.add(BigInteger.ONE).compareTo(start) >= 0) {
        last.set(1, high);
      } else {
        ranges.add(new ArrayList<>(List.of(low, high)));
      }
    }
    return ranges;
  }

  private static BigInteger ceiling(Real x, boolean strictly) {
    BigInteger c = x.decimal().setScale(0, RoundingMode.CEILING).toBigInteger();
    return strictly && x.isInteger() ? c.add(BigInteger.ONE) : c;
  }

  private static BigInteger floor(Real x, boolean strictly) {
    BigInteger f = x.decimal().setScale(0, RoundingMode.FLOOR).toBigInteger();
    return strictly && x.isInteger() ? f.subtract(BigInteger.ONE) : f;
  }

  /** Order of two reals, infinities included; equal to the precision both carry. */
  static int compare(Real a, Real b) {
    if (a.exact() && b.exact()) {
      return a.num().multiply(b.den()).compareTo(b.num().multiply(a.den()));
    }
    if (a.sameAs(b)) {
      return 0;
    }
    if (a.infinity() != 0 || b.infinity() != 0) {
      return Integer.compare(a.infinity(), b.infinity());
    }
    return a.decimal().compareTo(b.decimal());
  }
}
