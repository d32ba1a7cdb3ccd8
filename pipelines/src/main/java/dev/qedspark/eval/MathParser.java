package dev.qedspark.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;

/**
 * Reads a normalized answer ({@link MathText}) into a structure that can be compared: an
 * expression, an ordered sequence (a tuple, an interval with its brackets, a matrix), an unordered
 * collection (a list, a set with or without backslashes, a union of intervals, "2 or 3"), a
 * relation ({@code n >= 2}, {@code -3 < a < 10}) or a ratio ({@code 7:32}).
 * {@code x = 2}, {@code AB = 4} and {@code x \in [0, 1]} are values with a name; a chain of
 * equalities ({@code x = 5+5+1 = 11}) is its last value. {@code \pm} reads as the two values, both
 * signs taken together. Numbers may carry a base ({@code 1012_3} is 32).
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
  sealed interface Item permits Expr, Sequence, Unordered, Relation, Relations, Named, Ratio {}

  /** {@code x = 2}: a value with the variable it is given for; compared by value with an unnamed value. */
  record Named(String name, Item value) implements Item {}

  /** A single value, possibly with variables. */
  record Expr(Node node) implements Item {}

  /** An ordered sequence with its brackets: a tuple, a point, an interval. */
  record Sequence(char open, char close, List<Item> items) implements Item {}

  /**
   * Values whose order does not matter: a list or alternatives, a set written with braces
   * ({@code braced}: a repeated item counts once), or ({@code union}) a union of sets.
   */
  record Unordered(List<Item> items, boolean union, boolean braced) implements Item {
    Unordered(List<Item> items) {
      this(items, false, false);
    }

    Unordered(List<Item> items, boolean union) {
      this(items, union, false);
    }
  }

  /** Relations that hold together: {@code -3 < a < 10} is {@code -3 < a} and {@code a < 10}. */
  record Relations(List<Relation> all) implements Item {}

  /** {@code a:b:c}, equal to any non-zero multiple of itself. */
  record Ratio(List<Node> terms) implements Item {}

  /** A comparison that is not an assignment: {@code lhs op rhs}, op one of {@code = != < <=}. */
  record Relation(Node lhs, String op, Node rhs) implements Item {}

  /** An expression tree. */
  sealed interface Node permits Lit, Var, Op {}

  record Lit(Real value) implements Node {}

  record Var(String name) implements Node {}

  record Op(String name, List<Node> args) implements Node {}

  private static final int MAX_DEPTH = 200;
  /** Longer answers are no short answers: left to a judge, and never deep enough to exhaust a stack. */
  private static final int MAX_TOKENS = 5_000;
  /** Functions by name, written as a word ({@code sin x}) or a command ({@code \\sin x}). */
  static final Set<String> FUNCTIONS = Set.of("sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "arcsec",
      "arccsc", "arccot", "sinh", "cosh", "tanh", "ln", "log", "exp");
  private static final Set<String> INVERSES = Set.of("sin", "cos", "tan", "sec", "csc", "cot");

  /**
   * Letters read as a product of variables, not as a word: up to four letters without a vowel
   * ({@code pq}, {@code Rr}, {@code xyz}). Other runs of letters are words ({@code ab} could be
   * either, so it is left to the rules for words).
   */
  private static final java.util.regex.Pattern PRODUCT_OF_LETTERS = java.util.regex.Pattern.compile("[^aeiouAEIOU]{2,4}");
  /** Two to four capitals are one name, in order: a segment {@code AB}, an angle {@code ABC}, {@code ABCD}, {@code PM}. */
  /** The exponent of a number in scientific notation ({@code 2e3}, {@code 1E-6}): a digit must follow. */
  private static final java.util.regex.Pattern SCIENTIFIC = java.util.regex.Pattern.compile("[eE][+-]?\\d+(?![a-zA-Z])");
  /** Runs of consonants that are words or function names, not products: {@code lg 2}, {@code sgn x}, {@code 3 by 2}. */
  private static final Set<String> CONSONANT_WORDS = Set.of("lg", "tg", "ctg", "sgn", "tr", "sqrt", "gcd", "lcm", "mod", "by", "dx", "dy",
      "dt", "th", "st", "nd", "rd", "cm", "mm", "km", "ml", "kg", "hr", "hrs", "pts", "px", "ft", "yd", "cnt", "rk", "ctn", "cth");
  /**
   * Letters that name functions in answers ({@code f(x+1)}, {@code P(2)}, {@code \\varphi(6)}): applied
   * to a bracket they are a function nobody defined, which no value decides, never a product.
   */
  private static final Set<String> FUNCTION_LETTERS = Set.of("f", "g", "h", "F", "G", "H", "P", "Q", "phi", "varphi",
      "sigma", "tau", "zeta", "psi", "Gamma", "Lambda", "mu", "omega", "Omega");
  private static final java.util.regex.Pattern NAME_OF_CAPITALS = java.util.regex.Pattern.compile("[A-Z]{2,4}");

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
    List<String> tokens = tokenize(normalized);
    if (tokens.size() > MAX_TOKENS) {
      throw new NotMath("more than " + MAX_TOKENS + " symbols");
    }
    MathParser p = new MathParser(tokens);
    Item item = p.list(null);
    if (p.at < p.tokens.size()) {
      throw new NotMath("unexpected '" + p.tokens.get(p.at) + "'");
    }
    return Signs.expand(item);
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
        Matcher exponent = SCIENTIFIC.matcher(s).region(j, s.length());
        if (exponent.lookingAt()) {
          j = exponent.end(); // 2e3 is 2000, not 2 e 3
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
        } else if (NAME_OF_CAPITALS.matcher(word).matches()) {
          out.add(word);
        } else if (PRODUCT_OF_LETTERS.matcher(word).matches() && !CONSONANT_WORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
          word.chars().forEach(letter -> out.add(String.valueOf((char) letter)));
        } else {
          throw new NotMath("the word '" + word + "'");
        }
        i = j;
      } else if ((c == '<' || c == '>' || c == '!') && i + 1 < s.length() && s.charAt(i + 1) == '=') {
        out.add(s.substring(i, i + 2));
        i += 2;
      } else if ("+-*/^_!(),[]{}|=<>':&".indexOf(c) >= 0) {
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
    Set<String> separators = new TreeSet<>();
    do {
      items.add(element());
    } while (separator(separators));
    if (close != null && !close.equals(peek())) {
      throw new NotMath("expected '" + close + "'");
    }
    if (items.size() == 1) {
      return items.get(0);
    }
    List<String> names = items.stream().map(i -> i instanceof Named n ? n.name() : null).toList();
    if (!names.contains(null)) {
      boolean distinct = Set.copyOf(names).size() == names.size();
      if (distinct && separators.contains("\\lor")) {
        throw new NotMath("values of different names joined by 'or'");
      }
      if (!distinct && separators.contains("\\land")) {
        throw new NotMath("values of one name joined by 'and'");
      }
    }
    if (items.stream().allMatch(i -> i instanceof Relation || i instanceof Relations)) {
      // Relations joined by "and" hold together, by "or" are alternatives; by commas, either: no set is read from them.
      if (separators.equals(Set.of("\\land"))) {
        List<Relation> all = new ArrayList<>();
        items.forEach(i -> all.addAll(i instanceof Relations r ? r.all() : List.of((Relation) i)));
        return new Relations(all);
      }
      return new Unordered(items, separators.equals(Set.of("\\lor")));
    }
    return new Unordered(items);
  }

  /** A comma, "and" or "or" between items; which one is noted in {@code seen}. */
  private boolean separator(Set<String> seen) {
    for (String separator : List.of(",", "\\land", "\\lor")) {
      if (accept(separator)) {
        seen.add(separator);
        return true;
      }
    }
    return false;
  }

  private Item element() throws NotMath {
    List<Item> union = new ArrayList<>();
    do {
      union.add(relation());
    } while (accept("\\cup"));
    return union.size() == 1 ? union.get(0) : new Unordered(union, true);
  }

  private static final List<String> COMPARISONS = List.of("=", "!=", "<", "<=", ">", ">=", "\\in", "\\approx");

  private Item relation() throws NotMath {
    Item left = ratio();
    List<Item> sides = new ArrayList<>(List.of(left));
    List<String> ops = new ArrayList<>();
    while (peek() != null && COMPARISONS.contains(peek())) {
      ops.add(tokens.get(at++));
      sides.add(ratio());
    }
    if (ops.isEmpty()) {
      return left;
    }
    if (ops.stream().allMatch(op -> op.equals("=") || op.equals("\\approx"))) {
      // x = 5+5+1 = 11 is its last value, when the values of the chain agree; a = b without a
      // name on the left is an equation; an approximation is only a value of a name (x \\approx 3.14).
      Item value = sides.get(sides.size() - 1);
      String name = nameOf(left);
      List<Item> values = sides.subList(name != null ? 1 : 0, sides.size());
      if (ops.size() > 1 || name != null || values.stream().allMatch(side -> variables(side).isEmpty())) {
        if (!ops.contains("\\approx")) {
          requireEqualConstants(values);
        } else if (name == null) {
          throw new NotMath("an approximation of a value that is not named");
        }
        if (name == null) {
          return value; // 5 + 5 + 1 = 11 is 11
        }
        List<String> chained = new ArrayList<>();
        for (Item side : sides.subList(0, sides.size() - 1)) {
          if (nameOf(side) != null && !(side instanceof Sequence)) {
            chained.add(nameOf(side));
          }
        }
        if (chained.size() > 1) {
          // a = b = c = 1 gives each name the value
          return new Unordered(chained.stream().map(n -> (Item) new Named(n, value)).toList());
        }
        if (left instanceof Sequence names && value instanceof Sequence tuple && names.items().size() == tuple.items().size()) {
          // (y, x) = (1, 2) is y = 1 and x = 2
          List<Item> each = new ArrayList<>();
          for (int i = 0; i < tuple.items().size(); i++) {
            each.add(new Named(nameOf(names.items().get(i)), tuple.items().get(i)));
          }
          return new Unordered(each);
        }
        return new Named(name, value);
      }
    }
    if (ops.size() == 1 && ops.get(0).equals("\\in")) {
      String name = nameOf(left);
      if (name == null || left instanceof Sequence) {
        throw new NotMath("membership of something that is not a variable");
      }
      return new Named(name, sides.get(1));
    }
    List<Relation> all = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i).equals("\\approx")) {
        throw new NotMath("an approximation inside a relation");
      }
      if (!(sides.get(i) instanceof Expr l) || !(sides.get(i + 1) instanceof Expr r) || ops.get(i).equals("\\in")) {
        throw new NotMath("a comparison between collections");
      }
      all.add(switch (ops.get(i)) {
        case ">" -> new Relation(r.node(), "<", l.node());
        case ">=" -> new Relation(r.node(), "<=", l.node());
        default -> new Relation(l.node(), ops.get(i), r.node());
      });
    }
    return all.size() == 1 ? all.get(0) : new Relations(all);
  }

  /** The constant sides of a chain of equalities must be equal: {@code 2 + 2 = 5} is no answer. */
  private static void requireEqualConstants(List<Item> sides) throws NotMath {
    Real first = null;
    for (Item side : sides) {
      if (side instanceof Expr e && variables(e.node(), new TreeSet<>()).isEmpty()) {
        Real value;
        try {
          value = evaluate(e.node(), Map.of());
        } catch (ArithmeticException x) {
          continue;
        }
        if (first != null && !first.sameAs(value)) {
          throw new NotMath("a chain of equalities whose values differ");
        }
        first = first == null ? value : first;
      }
    }
  }

  /** {@code a:b:c}, else the one item. */
  private Item ratio() throws NotMath {
    Item first = sequenceOrExpr();
    if (!":".equals(peek())) {
      return first;
    }
    List<Node> terms = new ArrayList<>();
    if (!(first instanceof Expr e)) {
      throw new NotMath("a ratio of collections");
    }
    terms.add(e.node());
    while (accept(":")) {
      terms.add(sum());
    }
    return new Ratio(terms);
  }

  /** The name given a value: a variable ({@code x}), a product of letters ({@code AB}), a function of variables ({@code f(x)}) or a tuple of them; else null. */
  private static String nameOf(Item item) {
    if (item instanceof Sequence s) {
      List<String> names = s.items().stream().map(MathParser::nameOf).toList();
      return names.contains(null) ? null : s.open() + String.join(",", names) + s.close();
    }
    if (item instanceof Expr e && e.node() instanceof Var v) {
      return v.name();
    }
    return item instanceof Expr e ? letters(e.node()) : null;
  }

  private static String letters(Node node) {
    if (node instanceof Var v) {
      return v.name();
    }
    if (node instanceof Op op && op.name().startsWith("apply ") && op.args().stream().allMatch(a -> a instanceof Var)) {
      return op.name().substring(6) + "(" + String.join(",", op.args().stream().map(a -> ((Var) a).name()).toList()) + ")";
    }
    if (node instanceof Op op && op.name().equals("*")) {
      String left = letters(op.args().get(0));
      String right = letters(op.args().get(1));
      return left == null || right == null ? null : left + right;
    }
    return null;
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
      Item inside = "\\}".equals(peek()) ? new Unordered(List.of()) : list("\\}");
      expect("\\}");
      depth--;
      return new Unordered(inside instanceof Unordered u && !u.union() ? u.items() : List.of(inside), false, true);
    }
    if ("{".equals(open)) {
      // {1, 3}: a set written without backslashes; {n+1} alone is a group.
      int start = at;
      at++;
      enter();
      try {
        if (list("}") instanceof Unordered u && !u.union() && accept("}")) {
          depth--;
          return new Unordered(u.items(), false, true);
        }
      } catch (NotMath e) {
        // not a set: read as a group below
      }
      depth--;
      at = start;
    }
    if ("\\matrix".equals(open)) {
      return matrix();
    }
    return new Expr(sum());
  }

  /** {@code \\matrix{a & b \\row c & d}}: rows in order, entries in order. */
  private Item matrix() throws NotMath {
    at++;
    expect("{");
    enter();
    List<Item> rows = new ArrayList<>();
    while (!accept("}")) {
      if (peek() == null) {
        throw new NotMath("an unclosed matrix");
      }
      if (accept("\\row")) {
        continue;
      }
      List<Item> row = new ArrayList<>(List.of(element()));
      while (accept("&")) {
        row.add(element());
      }
      rows.add(new Sequence('r', 'r', row));
    }
    depth--;
    return new Sequence('M', 'M', rows);
  }

  // ---- expressions

  private Node sum() throws NotMath {
    Node left = term();
    while (true) {
      if (accept("+")) {
        left = new Op("+", List.of(left, term()));
      } else if (accept("-")) {
        left = new Op("-", List.of(left, term()));
      } else if (accept("\\pm")) {
        left = new Op("+", List.of(left, new Op("pm", List.of(term()))));
      } else if (accept("\\mp")) {
        left = new Op("+", List.of(left, new Op("mp", List.of(term()))));
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
        if (left instanceof Lit && (Character.isDigit(peek().charAt(0)) || (peek().equals("\\frac") && numericFraction()))) {
          // 2 3 is no product anyone writes, and 3\frac{1}{2} may be the mixed number 3.5 or the product 1.5.
          throw new NotMath("a number right before " + (peek().equals("\\frac") ? "a fraction (a mixed number?)" : "another number"));
        }
        left = new Op("*", List.of(left, power()));
      } else {
        return left;
      }
    }
  }

  /** Whether the {@code \\frac} at the current token has only numbers for arguments. */
  private boolean numericFraction() {
    int i = at + 1;
    for (int group = 0; group < 2; group++) {
      if (i + 2 >= tokens.size() || !tokens.get(i).equals("{") || !Character.isDigit(tokens.get(i + 1).charAt(0)) || !tokens.get(i + 2).equals("}")) {
        return false;
      }
      i += 3;
    }
    return true;
  }

  private static boolean startsPrimary(String token) {
    if (token == null) {
      return false;
    }
    char c = token.charAt(0);
    return Character.isLetterOrDigit(c) || token.equals("(") || (c == '\\' && !NOT_FACTORS.contains(token));
  }

  /** Commands that end or join expressions rather than start a factor. */
  private static final Set<String> NOT_FACTORS = Set.of("\\cup", "\\}", "\\rfloor", "\\rceil", "\\pm", "\\mp", "\\in", "\\row", "\\land", "\\lor",
      "\\approx");

  private Node unary() throws NotMath {
    if (accept("-")) {
      return new Op("neg", List.of(unary()));
    }
    if (accept("+")) {
      return unary();
    }
    if (accept("\\pm")) {
      return new Op("pm", List.of(unary()));
    }
    if (accept("\\mp")) {
      return new Op("mp", List.of(unary()));
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
      if ("_".equals(peek())) {
        return inBase(t);
      }
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
      if (t.equals("e") && !"_".equals(peek())) {
        return new Lit(Real.E); // Euler's number, as answers write it
      }
      String name = t + subscript();
      return FUNCTION_LETTERS.contains(t) && "(".equals(peek()) ? applied(name) : new Var(name);
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
      default -> {
        if (FUNCTIONS.contains(t.substring(1))) {
          yield function(t.substring(1));
        }
        if (t.length() > 2 && GREEK.contains(t.substring(1))) {
          String name = t.substring(1) + subscript();
          yield FUNCTION_LETTERS.contains(t.substring(1)) && "(".equals(peek()) ? applied(name) : new Var(name);
        }
        throw new NotMath("the command " + t);
      }
    };
  }

  /** {@code f(x)}: an unknown function applied to its arguments, named {@code f(x)} when they are variables. */
  private Node applied(String name) throws NotMath {
    expect("(");
    enter();
    List<Node> args = new ArrayList<>(List.of(sum()));
    while (accept(",")) {
      args.add(sum());
    }
    expect(")");
    depth--;
    return new Op("apply " + name, args);
  }

  private static final Set<String> GREEK = Set.of("alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta",
      "theta", "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "phi", "varphi", "chi", "psi", "omega",
      "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega");

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

  /**
   * A function's argument without brackets: a factor and the letters and numbers multiplied onto
   * it, up to the next function or command, so {@code \\sin 2x} is sin(2x) and
   * {@code \\sin x \\cos x} is sin(x) cos(x).
   */
  private Node bareArgument() throws NotMath {
    Node argument = power();
    while (peek() != null && Character.isLetterOrDigit(peek().charAt(0)) && !FUNCTIONS.contains(peek())) {
      argument = new Op("*", List.of(argument, power()));
    }
    return argument;
  }

  /** {@code 1012_3}, {@code 1012_{3}}: digits in a base from 2 to 10. */
  private Node inBase(String digits) throws NotMath {
    expect("_");
    boolean braced = accept("{");
    String base = peek();
    if (base == null || !base.chars().allMatch(Character::isDigit)) {
      throw new NotMath("a number with a subscript that is no base");
    }
    at++;
    if (braced) {
      expect("}");
    }
    int radix = Integer.parseInt(base.length() > 2 ? "99" : base);
    if (radix < 2 || radix > 10 || !digits.chars().allMatch(d -> d >= '0' && d - '0' < radix)) {
      throw new NotMath(digits + "_" + base + " is no number in base " + base);
    }
    return new Lit(Real.of(new java.math.BigInteger(digits, radix), java.math.BigInteger.ONE));
  }

  private Node function(String name) throws NotMath {
    if (accept("^")) {
      // sin^2 x is (sin x)^2; sin^{-1} x is arcsin x.
      Node exponent = "{".equals(peek()) ? group("{", "}") : unary();
      if (exponent instanceof Op neg && neg.name().equals("neg") && neg.args().get(0) instanceof Lit one && one.value().sameAs(Real.of(1))
          && INVERSES.contains(name)) {
        return function("arc" + name);
      }
      return new Op("^", List.of(function(name), exponent));
    }
    Node base = null;
    if (name.equals("log") && accept("_")) {
      base = "{".equals(peek()) ? group("{", "}") : primary();
    }
    Node argument = "(".equals(peek()) ? group("(", ")") : "{".equals(peek()) ? group("{", "}") : bareArgument();
    if (argument instanceof Lit && "(".equals(peek())) {
      throw new NotMath(name + " of a number before a bracket: " + name + "2(x) may mean a base or a factor");
    }
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
    if (Thread.currentThread().isInterrupted()) {
      throw new IllegalStateException("the check ran out of time"); // the time limit cancelled it: stop working
    }
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
    if (op.name().startsWith("apply ")) {
      throw new Equivalence.Undecidable(op.name().substring(6) + "(...) is a function the answer does not define");
    }
    Real a = evaluate(op.args().get(0), env);
    return switch (op.name()) {
      case "+" -> a.add(evaluate(op.args().get(1), env));
      case "-" -> a.add(evaluate(op.args().get(1), env).negate());
      case "*" -> a.multiply(evaluate(op.args().get(1), env));
      case "/" -> a.divide(evaluate(op.args().get(1), env));
      case "^" -> a.pow(evaluate(op.args().get(1), env));
      case "neg" -> a.negate();
      case "pm", "mp" -> throw new ArithmeticException("a value with a \\pm sign is two values");
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
        // a(a-1)...(a-k+1)/k!: a polynomial in a, so \\binom{n}{2} is n(n-1)/2 at every n
        Real k = evaluate(op.args().get(1), env);
        if (!k.isInteger() || k.signum() < 0 || k.num().bitLength() > 12) {
          throw new ArithmeticException("a binomial coefficient needs a whole k from 0 to 4095");
        }
        Real product = Real.of(1);
        for (int i = 0; i < k.num().intValue(); i++) {
          product = product.multiply(a.add(Real.of(-i))).divide(Real.of(i + 1));
        }
        yield product;
      }
      case "sin" -> a.apply(Math::sin);
      case "cos" -> a.apply(Math::cos);
      case "tan" -> a.apply(Math::tan);
      case "sec" -> Real.of(1).divide(a.apply(Math::cos));
      case "csc" -> Real.of(1).divide(a.apply(Math::sin));
      case "cot" -> Real.of(1).divide(a.apply(Math::tan));
      case "arcsin" -> inRange(a, 1).apply(Math::asin);
      case "arccos" -> inRange(a, 1).apply(Math::acos);
      case "arctan" -> a.apply(Math::atan);
      case "arcsec" -> Real.of(1).divide(a).apply(Math::acos);
      case "arccsc" -> Real.of(1).divide(a).apply(Math::asin);
      case "arccot" -> Real.of(1).divide(a).apply(Math::atan);
      case "sinh" -> a.apply(Math::sinh);
      case "cosh" -> a.apply(Math::cosh);
      case "tanh" -> a.apply(Math::tanh);
      case "exp" -> a.apply(Math::exp);
      case "ln" -> a.sameAs(Real.of(1)) ? Real.of(0) : positive(a).apply(Math::log);
      case "log" -> {
        Real exact = a.exactLog(Real.of(10));
        yield exact != null ? exact : positive(a).apply(Math::log10);
      }
      case "logb" -> {
        Real x = positive(evaluate(op.args().get(1), env));
        Real exact = x.exactLog(a);
        yield exact != null ? exact : x.apply(Math::log).divide(positive(a).apply(Math::log));
      }
      default -> throw new IllegalStateException("unknown operation " + op.name());
    };
  }

  private static Real inRange(Real x, int bound) {
    if (x.abs().decimal().compareTo(java.math.BigDecimal.valueOf(bound)) > 0) {
      throw new ArithmeticException("outside the domain of an inverse sine or cosine");
    }
    return x;
  }

  private static Real positive(Real x) {
    if (x.signum() <= 0) {
      throw new ArithmeticException("the logarithm of a number that is not positive");
    }
    return x;
  }
}
