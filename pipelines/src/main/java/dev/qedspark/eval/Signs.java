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
 * {@code 1 + \sqrt{2}, 1 - \sqrt{2}}. With a {@code \mp}, every {@code \pm} of one item takes the
 * same sign and every {@code \mp} the other ({@code (\pm 1, \mp 1)}); two {@code \pm} and no
 * {@code \mp} ({@code \pm 1 \pm \sqrt{2}}) could mean two values or four, and are not read.
 */
final class Signs {
  private Signs() {}

  static Item expand(Item item) throws MathParser.NotMath {
    List<Item> values = expanded(item);
    return values.size() == 1 ? values.get(0) : new Unordered(values);
  }

  private static List<Item> expanded(Item item) throws MathParser.NotMath {
    if (item instanceof Unordered u && !u.union()) {
      List<Item> all = new ArrayList<>();
      for (Item i : u.items()) {
        all.addAll(expanded(i));
      }
      return List.of(all.size() == 1 ? all.get(0) : new Unordered(all, false, u.braced()));
    }
    int[] signs = new int[2];
    count(item, signs);
    if (signs[0] + signs[1] == 0) {
      return List.of(item);
    }
    if (signs[0] > 1 && signs[1] == 0) {
      throw new MathParser.NotMath("several \\pm signs: two values or four?");
    }
    return List.of(withSign(item, 1), withSign(item, -1));
  }

  /** Counts the {@code \pm} ({@code signs[0]}) and {@code \mp} ({@code signs[1]}) of an item. */
  private static void count(Item item, int[] signs) {
    if (item instanceof Expr e) {
      count(e.node(), signs);
    } else if (item instanceof Named n) {
      count(n.value(), signs);
    } else if (item instanceof MathParser.Sequence s) {
      s.items().forEach(i -> count(i, signs));
    } else if (item instanceof Unordered u) {
      u.items().forEach(i -> count(i, signs));
    } else if (item instanceof MathParser.Relation r) {
      count(r.lhs(), signs);
      count(r.rhs(), signs);
    } else if (item instanceof MathParser.Relations r) {
      r.all().forEach(x -> count(x, signs));
    } else {
      ((MathParser.Ratio) item).terms().forEach(t -> count(t, signs));
    }
  }

  private static void count(Node node, int[] signs) {
    if (node instanceof Op op) {
      if (op.name().equals("pm")) {
        signs[0]++;
      } else if (op.name().equals("mp")) {
        signs[1]++;
      }
      op.args().forEach(a -> count(a, signs));
    }
  }

  private static Item withSign(Item item, int sign) {
    if (item instanceof Expr e) {
      return new Expr(withSign(e.node(), sign));
    } else if (item instanceof Named n) {
      return new Named(n.name(), withSign(n.value(), sign));
    } else if (item instanceof MathParser.Sequence s) {
      return new MathParser.Sequence(s.open(), s.close(), s.items().stream().map(i -> withSign(i, sign)).toList());
    } else if (item instanceof Unordered u) {
      return new Unordered(u.items().stream().map(i -> withSign(i, sign)).toList(), u.union(), u.braced());
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
