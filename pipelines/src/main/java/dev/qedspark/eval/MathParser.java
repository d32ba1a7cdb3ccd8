package dev.qedspark.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a normalized answer ({@link MathText}) into a structure that can be compared: an
 * expression, an ordered sequence (a tuple, or an interval with its brackets), an unordered
 * collection (a list, a set, a union of intervals, "2 or 3") or a relation ({@code n >= 2}).
 * {@code x = 2} is read as 2 when the left side is only a variable (or a tuple of variables).
 * Throws {@link NotMath} for text it cannot read as mathematics, such as words.
 */
final class MathParser {
  /** Text that is not (only) mathematics. */
  static final class NotMath extends Exception {
    NotMath(String message) {
      super(message);
    }
  }

  /** What an answer is. */
  sealed interface Item permits Expr, Sequence, Unordered, Relation, Named {}

  /** {@code x = 2}: a value with the variable it is given for; compared by value with an unnamed value. */
  record Named(String name, Item value) implements Item {}

  /** A single value, possibly with variables. */
  record Expr(Node node) implements Item {}

  /** An ordered sequence with its brackets: a tuple, a point, an interval. */
  record Sequence(char open, char close, List<Item> items) implements Item {}

  /** Values whose order does not matter: a list, a set, a union, alternatives. */
  record Unordered(List<Item> items) implements Item {}

  /** A comparison that is not an assignment: {@code lhs op rhs}, op one of {@code = != < <=}. */
  record Relation(Node lhs, String op, Node rhs) implements Item {}

  /** An expression tree. */
  sealed interface Node permits Lit, Var, Op {}

  record Lit(Real value) implements Node {}

  record Var(String name) implements Node {}

  record Op(String name, List<Node> args) implements Node {}

  private static final int MAX_DEPTH = 200;
  private static final Set<String> FUNCTIONS = Set.of("sin", "cos", "tan", "ln", "log", "exp");

  private final List<String> tokens;
  private int at;
  private int depth;

  private MathParser(List<String> tokens) {
    this.tokens = tokens;
  }

  static Item parse(String normalized) throws NotMath {
    if (normalized.isEmpty()) {
      throw new NotMath("empty");
    }
    MathParser p = new MathParser(tokenize(normalized));
    Item item = p.list(null);
    if (p.at < p.tokens.size()) {
      throw new NotMath("unexpected '" + p.tokens.get(p.at) + "'");
    }
    return item;
  }

  // ---- tokens

  static List<String> tokenize(String s) throws NotMath {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
        int j = i;
        while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.')) {
          j++;
        }
        out.add(s.substring(i, j));
        i = j;
      } else if (c == '\\') {
        int j = i + 1;
        if (j < s.length() && (s.charAt(j) == '{' || s.charAt(j) == '}')) {
          out.add(s.substring(i, j + 1));
          i = j + 1;
          continue;
        }
        while (j < s.length() && Character.isLetter(s.charAt(j))) {
          j++;
        }
        if (j == i + 1) {
          throw new NotMath("a lone backslash");
        }
        out.add(s.substring(i, j));
        i = j;
      } else if (Character.isLetter(c)) {
        int j = i;
        while (j < s.length() && Character.isLetter(s.charAt(j))) {
          j++;
        }
        String word = s.substring(i, j);
        if (word.length() == 1 || FUNCTIONS.contains(word)) {
          out.add(word);
        } else {
          throw new NotMath("the word '" + word + "'");
        }
        i = j;
      } else if ((c == '<' || c == '>' || c == '!') && i + 1 < s.length() && s.charAt(i + 1) == '=') {
        out.add(s.substring(i, i + 2));
        i += 2;
      } else if ("+-*/^_!(),[]{}|=<>'".indexOf(c) >= 0) {
        out.add(String.valueOf(c));
        i++;
      } else {
        throw new NotMath("the character '" + c + "'");
      }
    }
    return out;
  }

  private String peek() {
    return at < tokens.size() ? tokens.get(at) : null;
  }

  private boolean accept(String token) {
    if (token.equals(peek())) {
      at++;
      return true;
    }
    return false;
  }

  private void expect(String token) throws NotMath {
    if (!accept(token)) {
      throw new NotMath("expected '" + token + "' but found " + (peek() == null ? "the end" : "'" + peek() + "'"));
    }
  }

  private void enter() throws NotMath {
    if (++depth > MAX_DEPTH) {
      throw new NotMath("nested more than " + MAX_DEPTH + " deep");
    }
  }

  // ---- structure

  /** Comma-separated elements up to {@code close} (or the end); one element stands for itself. */
  private Item list(String close) throws NotMath {
    List<Item> items = new ArrayList<>();
    do {
      items.add(element());
    } while (accept(","));
    if (close != null && !close.equals(peek())) {
      throw new NotMath("expected '" + close + "'");
    }
    return items.size() == 1 ? items.get(0) : new Unordered(items);
  }

  private Item element() throws NotMath {
    List<Item> union = new ArrayList<>();
    do {
      union.add(relation());
    } while (accept("\\cup"));
    return union.size() == 1 ? union.get(0) : new Unordered(union);
  }

  private Item relation() throws NotMath {
    Item left = sequenceOrExpr();
    String op = peek();
    if (op == null || !List.of("=", "!=", "<", "<=", ">", ">=").contains(op)) {
      return left;
    }
    at++;
    Item right = sequenceOrExpr();
    if (op.equals("=") && onlyVariables(left)) {
      return left instanceof Expr e && e.node() instanceof Var v ? new Named(v.name(), right) : right;
    }
    if (!(left instanceof Expr l) || !(right instanceof Expr r)) {
      throw new NotMath("a comparison between collections");
    }
    return switch (op) {
      case ">" -> new Relation(r.node(), "<", l.node());
      case ">=" -> new Relation(r.node(), "<=", l.node());
      default -> new Relation(l.node(), op, r.node());
    };
  }

  /** A variable, a function of variables ({@code f(x)}) or a tuple of variables: the left side of an assignment. */
  private static boolean onlyVariables(Item item) {
    if (item instanceof Sequence s) {
      return s.items().stream().allMatch(MathParser::onlyVariables);
    }
    return item instanceof Expr e && (e.node() instanceof Var
        || (e.node() instanceof Op op && op.name().equals("*") && op.args().stream().allMatch(a -> a instanceof Var)));
  }

  /** A bracketed sequence with two or more elements, or else an expression. */
  private Item sequenceOrExpr() throws NotMath {
    String open = peek();
    if ("(".equals(open) || "[".equals(open)) {
      int start = at;
      at++;
      enter();
      List<Item> items = new ArrayList<>();
      boolean sequence = false;
      try {
        items.add(element());
        while (accept(",")) {
          sequence = true;
          items.add(element());
        }
      } catch (NotMath e) {
        sequence = false;
      }
      depth--;
      String close = peek();
      if (sequence && (")".equals(close) || "]".equals(close))) {
        at++;
        return new Sequence(open.charAt(0), close.charAt(0), items);
      }
      at = start;
    }
    if ("\\{".equals(open)) {
      at++;
      enter();
      Item inside = list("\\}");
      expect("\\}");
      depth--;
      return inside instanceof Unordered u ? u : new Unordered(List.of(inside));
    }
    return new Expr(sum());
  }

  // ---- expressions

  private Node sum() throws NotMath {
    Node left = term();
    while (true) {
      if (accept("+")) {
        left = new Op("+", List.of(left, term()));
      } else if (accept("-")) {
        left = new Op("-", List.of(left, term()));
      } else {
        return left;
      }
    }
  }

  private Node term() throws NotMath {
    Node left = unary();
    while (true) {
      if (accept("*")) {
        left = new Op("*", List.of(left, unary()));
      } else if (accept("/")) {
        left = new Op("/", List.of(left, unary()));
      } else if (startsPrimary(peek())) {
        left = new Op("*", List.of(left, power()));
      } else {
        return left;
      }
    }
  }

  private static boolean startsPrimary(String token) {
    if (token == null) {
      return false;
    }
    char c = token.charAt(0);
    return Character.isLetterOrDigit(c) || token.equals("(") || (c == '\\' && !token.equals("\\cup") && !token.equals("\\}")
        && !token.equals("\\rfloor") && !token.equals("\\rceil"));
  }

  private Node unary() throws NotMath {
    if (accept("-")) {
      return new Op("neg", List.of(unary()));
    }
    if (accept("+")) {
      return unary();
    }
    return power();
  }

  private Node power() throws NotMath {
    enter();
    Node base = postfix();
    if (accept("^")) {
      Node exponent = "-".equals(peek()) ? unary() : power();
      base = new Op("^", List.of(base, exponent));
    }
    depth--;
    return base;
  }

  private Node postfix() throws NotMath {
    Node x = primary();
    while (true) {
      if (accept("!")) {
        x = accept("!") ? new Op("!!", List.of(x)) : new Op("!", List.of(x));
      } else if (accept("'")) {
        throw new NotMath("a prime mark");
      } else {
        return x;
      }
    }
  }

  private Node group(String open, String close) throws NotMath {
    expect(open);
    enter();
    Node inside = sum();
    expect(close);
    depth--;
    return inside;
  }

  private Node primary() throws NotMath {
    String t = peek();
    if (t == null) {
      throw new NotMath("an expression ends too soon");
    }
    char c = t.charAt(0);
    if (Character.isDigit(c) || c == '.') {
      at++;
      try {
        return new Lit(Real.parse(t));
      } catch (NumberFormatException e) {
        throw new NotMath("the number " + t);
      }
    }
    if (t.equals("(")) {
      return group("(", ")");
    }
    if (t.equals("{")) {
      return group("{", "}");
    }
    if (t.equals("|")) {
      return new Op("abs", List.of(group("|", "|")));
    }
    if (Character.isLetter(c)) {
      at++;
      if (FUNCTIONS.contains(t)) {
        return function(t);
      }
      return new Var(t + subscript());
    }
    at++;
    return switch (t) {
      case "\\pi" -> new Lit(Real.PI);
      case "\\infty" -> new Lit(Real.INFINITY);
      case "\\frac" -> new Op("/", List.of(group("{", "}"), group("{", "}")));
      case "\\binom", "\\dbinom", "\\tbinom" -> new Op("binom", List.of(group("{", "}"), group("{", "}")));
      case "\\sqrt" -> {
        if ("[".equals(peek())) {
          Node index = group("[", "]");
          yield new Op("root", List.of(index, radicand()));
        }
        yield new Op("sqrt", List.of(radicand()));
      }
      case "\\lfloor" -> new Op("floor", List.of(closeWith("\\rfloor")));
      case "\\lceil" -> new Op("ceil", List.of(closeWith("\\rceil")));
      case "\\sin", "\\cos", "\\tan", "\\ln", "\\log", "\\exp" -> function(t.substring(1));
      default -> {
        if (t.length() > 2 && Character.isLowerCase(t.charAt(1)) && GREEK.contains(t.substring(1))) {
          yield new Var(t.substring(1) + subscript());
        }
        throw new NotMath("the command " + t);
      }
    };
  }

  private static final Set<String> GREEK = Set.of("alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta",
      "theta", "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "phi", "varphi", "chi", "psi", "omega");

  private Node radicand() throws NotMath {
    return "{".equals(peek()) ? group("{", "}") : postfix();
  }

  private Node closeWith(String close) throws NotMath {
    enter();
    Node inside = sum();
    expect(close);
    depth--;
    return inside;
  }

  private String subscript() throws NotMath {
    if (!accept("_")) {
      return "";
    }
    if (accept("{")) {
      StringBuilder name = new StringBuilder("_");
      while (!"}".equals(peek())) {
        if (peek() == null) {
          throw new NotMath("an unclosed subscript");
        }
        name.append(tokens.get(at++));
      }
      at++;
      return name.toString();
    }
    String next = peek();
    if (next == null) {
      throw new NotMath("an empty subscript");
    }
    at++;
    return "_" + next;
  }

  private Node function(String name) throws NotMath {
    Node base = null;
    if (name.equals("log") && accept("_")) {
      base = "{".equals(peek()) ? group("{", "}") : primary();
    }
    Node argument = "(".equals(peek()) ? group("(", ")") : "{".equals(peek()) ? group("{", "}") : power();
    return base == null ? new Op(name, List.of(argument)) : new Op("logb", List.of(base, argument));
  }

  // ---- evaluation

  static Set<String> variables(Node node, Set<String> into) {
    if (node instanceof Var v) {
      into.add(v.name());
    } else if (node instanceof Op op) {
      op.args().forEach(a -> variables(a, into));
    }
    return into;
  }

  static Set<String> variables(Item item) {
    Set<String> names = new TreeSet<>();
    if (item instanceof Expr e) {
      variables(e.node(), names);
    } else if (item instanceof Relation r) {
      variables(r.lhs(), names);
      variables(r.rhs(), names);
    } else if (item instanceof Sequence s) {
      s.items().forEach(i -> names.addAll(variables(i)));
    } else if (item instanceof Unordered u) {
      u.items().forEach(i -> names.addAll(variables(i)));
    } else if (item instanceof Named n) {
      names.addAll(variables(n.value()));
    }
    return names;
  }

  static Real evaluate(Node node, Map<String, Real> env) {
    if (node instanceof Lit lit) {
      return lit.value();
    }
    if (node instanceof Var v) {
      Real value = env.get(v.name());
      if (value == null) {
        throw new ArithmeticException("no value for " + v.name());
      }
      return value;
    }
    Op op = (Op) node;
    Real a = evaluate(op.args().get(0), env);
    return switch (op.name()) {
      case "+" -> a.add(evaluate(op.args().get(1), env));
      case "-" -> a.add(evaluate(op.args().get(1), env).negate());
      case "*" -> a.multiply(evaluate(op.args().get(1), env));
      case "/" -> a.divide(evaluate(op.args().get(1), env));
      case "^" -> a.pow(evaluate(op.args().get(1), env));
      case "neg" -> a.negate();
      case "!" -> a.factorial();
      case "!!" -> a.doubleFactorial();
      case "sqrt" -> a.root(2);
      case "root" -> {
        if (!a.isInteger() || a.signum() <= 0 || a.num().intValue() > 12) {
          throw new ArithmeticException("a root index other than 1 to 12");
        }
        yield evaluate(op.args().get(1), env).root(a.num().intValue());
      }
      case "floor" -> a.floor();
      case "ceil" -> a.negate().floor().negate();
      case "abs" -> a.abs();
      case "binom" -> {
        Real k = evaluate(op.args().get(1), env);
        yield a.factorial().divide(k.factorial().multiply(a.add(k.negate()).factorial()));
      }
      case "sin" -> a.apply(Math::sin);
      case "cos" -> a.apply(Math::cos);
      case "tan" -> a.apply(Math::tan);
      case "exp" -> a.apply(Math::exp);
      case "ln" -> positive(a).apply(Math::log);
      case "log" -> positive(a).apply(Math::log10);
      case "logb" -> {
        Real x = positive(evaluate(op.args().get(1), env));
        yield x.apply(Math::log).divide(positive(a).apply(Math::log));
      }
      default -> throw new IllegalStateException("unknown operation " + op.name());
    };
  }

  private static Real positive(Real x) {
    if (x.signum() <= 0) {
      throw new ArithmeticException("the logarithm of a number that is not positive");
    }
    return x;
  }
}
