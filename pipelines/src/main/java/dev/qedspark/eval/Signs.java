package dev.qedspark.eval;

import dev.qedspark.eval.MathParser.Expr;
import dev.qedspark.eval.MathParser.Item;
import dev.qedspark.eval.MathParser.Lit;
import dev.qedspark.eval.MathParser.Named;
import dev.qedspark.eval.MathParser.Node;
import dev.qedspark.eval.MathParser.Op;
import dev.qedspark.eval.MathParser.Unordered;
import dev.qedspark.eval.MathParser.Var;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code \pm} as the two values it stands for: {@code 1 \pm \sqrt{2}} is the list
 * {@code 1 + \sqrt{2}, 1 - \sqrt{2}}. Every {@code \pm} of one item takes the same sign and every
 * {@code \mp} the other, as in {@code \frac{-b \pm \sqrt{d}}{2a}} or {@code (\pm 1, \mp 1)}.
 */
final class Signs {
  private Signs() {}

  static Item expand(Item item) {
    List<Item> values = expanded(item);
    return values.size() == 1 ? values.get(0) : new Unordered(values);
  }

  private static List<Item> expanded(Item item) {
    if (item instanceof Unordered u && !u.union()) {
      List<Item> all = new ArrayList<>();
      u.items().forEach(i -> all.addAll(expanded(i)));
      return List.of(all.size() == 1 ? all.get(0) : new Unordered(all));
    }
    if (!hasSign(item)) {
      return List.of(item);
    }
    return List.of(withSign(item, 1), withSign(item, -1));
  }

  private static boolean hasSign(Item item) {
    if (item instanceof Expr e) {
      return hasSign(e.node());
    } else if (item instanceof Named n) {
      return hasSign(n.value());
    } else if (item instanceof MathParser.Sequence s) {
      return s.items().stream().anyMatch(Signs::hasSign);
    } else if (item instanceof Unordered u) {
      return u.items().stream().anyMatch(Signs::hasSign);
    } else if (item instanceof MathParser.Relation r) {
      return hasSign(r.lhs()) || hasSign(r.rhs());
    } else if (item instanceof MathParser.Relations r) {
      return r.all().stream().anyMatch(Signs::hasSign);
    }
    return ((MathParser.Ratio) item).terms().stream().anyMatch(Signs::hasSign);
  }

  private static boolean hasSign(Node node) {
    return node instanceof Op op && (op.name().equals("pm") || op.name().equals("mp") || op.args().stream().anyMatch(Signs::hasSign));
  }

  private static Item withSign(Item item, int sign) {
    if (item instanceof Expr e) {
      return new Expr(withSign(e.node(), sign));
    } else if (item instanceof Named n) {
      return new Named(n.name(), withSign(n.value(), sign));
    } else if (item instanceof MathParser.Sequence s) {
      return new MathParser.Sequence(s.open(), s.close(), s.items().stream().map(i -> withSign(i, sign)).toList());
    } else if (item instanceof Unordered u) {
      return new Unordered(u.items().stream().map(i -> withSign(i, sign)).toList(), u.union());
    } else if (item instanceof MathParser.Relation r) {
      return withSign(r, sign);
    } else if (item instanceof MathParser.Relations r) {
      return new MathParser.Relations(r.all().stream().map(x -> withSign(x, sign)).toList());
    }
    return new MathParser.Ratio(((MathParser.Ratio) item).terms().stream().map(t -> withSign(t, sign)).toList());
  }

  private static MathParser.Relation withSign(MathParser.Relation r, int sign) {
    return new MathParser.Relation(withSign(r.lhs(), sign), r.op(), withSign(r.rhs(), sign));
  }

  private static Node withSign(Node node, int sign) {
    if (node instanceof Lit || node instanceof Var) {
      return node;
    }
    Op op = (Op) node;
    List<Node> args = op.args().stream().map(a -> withSign(a, sign)).toList();
    if (op.name().equals("pm") || op.name().equals("mp")) {
      boolean plus = (sign > 0) == op.name().equals("pm");
      return plus ? args.get(0) : new Op("neg", args);
    }
    return new Op(op.name(), args);
  }
}
