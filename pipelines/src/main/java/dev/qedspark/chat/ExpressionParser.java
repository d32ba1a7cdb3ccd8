package dev.qedspark.chat;

import static dev.qedspark.chat.Values.UNDEFINED;
import static dev.qedspark.chat.Values.truthy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the expressions inside {@code {{ }}} and {@code {% %}} with Jinja's precedence:
 * conditional, {@code or}, {@code and}, {@code not}, comparisons and {@code in}, {@code + -},
 * {@code ~}, {@code * / // %}, unary minus, then primaries with attribute, index, slice and call
 * suffixes, filters ({@code |}) and tests ({@code is}).
 */
final class ExpressionParser {
  private record Token(char kind, String text) {} // kind: n(ame) s(tring) i(nt) f(loat) o(perator)

  private static final Set<String> OPERATORS = Set.of("**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=",
      "(", ")", "[", "]", "{", "}", ".", ",", ":", "|");
  private final List<Token> tokens = new ArrayList<>();
  private final int line;
  private final String source;
  private int at;

  ExpressionParser(String source, int line) {
    this.source = source;
    this.line = line;
    scan();
  }

  TemplateException error(String message) {
    return new TemplateException("chat template line " + line + ": " + message + " in '" + source + "'");
  }

  // ---- statement helpers ----

  boolean atEnd() {
    return at >= tokens.size();
  }

  boolean nextIs(String text) {
    return !atEnd() && tokens.get(at).text.equals(text) && tokens.get(at).kind != 's';
  }

  String name() {
    if (atEnd() || tokens.get(at).kind != 'n') {
      throw error("expected a name");
    }
    return tokens.get(at++).text;
  }

  void expect(String text) {
    if (!nextIs(text)) {
      throw error("expected '" + text + "'");
    }
    at++;
  }

  void expectEnd() {
    if (!atEnd()) {
      throw error("unexpected '" + tokens.get(at).text + "'");
    }
  }

  // ---- expressions ----

  Expr expression() {
    Expr value = or();
    if (nextIs("if")) {
      at++;
      Expr condition = or();
      Expr otherwise = nextIs("else") ? skipThen(this::expression) : scope -> UNDEFINED;
      return scope -> truthy(condition.eval(scope)) ? value.eval(scope) : otherwise.eval(scope);
    }
    return value;
  }

  /** An expression without a trailing {@code if} (a for loop's iterable, which may have its own filter). */
  Expr or() {
    Expr left = and();
    while (nextIs("or")) {
      at++;
      Expr l = left;
      Expr r = and();
      left = scope -> {
        Object v = l.eval(scope);
        return truthy(v) ? v : r.eval(scope);
      };
    }
    return left;
  }

  private Expr and() {
    Expr left = not();
    while (nextIs("and")) {
      at++;
      Expr l = left;
      Expr r = not();
      left = scope -> {
        Object v = l.eval(scope);
        return truthy(v) ? r.eval(scope) : v;
      };
    }
    return left;
  }

  private Expr not() {
    if (nextIs("not")) {
      at++;
      Expr operand = not();
      return scope -> !truthy(operand.eval(scope));
    }
    return compare();
  }

  private Expr compare() {
    Expr left = sum();
    while (true) {
      String op;
      if (nextIs("not") && at + 1 < tokens.size() && tokens.get(at + 1).text.equals("in")) {
        at += 2;
        op = "not in";
      } else if (!atEnd() && Set.of("==", "!=", "<", ">", "<=", ">=", "in").contains(tokens.get(at).text) && tokens.get(at).kind != 's') {
        op = tokens.get(at++).text;
      } else {
        return left;
      }
      Expr l = left;
      Expr r = sum();
      String o = op;
      left = scope -> {
        Object a = l.eval(scope);
        Object b = r.eval(scope);
        return switch (o) {
          case "==" -> Values.equal(a, b);
          case "!=" -> !Values.equal(a, b);
          case "<" -> Values.compare(a, b) < 0;
          case ">" -> Values.compare(a, b) > 0;
          case "<=" -> Values.compare(a, b) <= 0;
          case ">=" -> Values.compare(a, b) >= 0;
          case "in" -> Values.contains(b, a);
          default -> !Values.contains(b, a);
        };
      };
    }
  }

  private Expr sum() {
    Expr left = concat();
    while (nextIs("+") || nextIs("-")) {
      boolean plus = tokens.get(at++).text.equals("+");
      Expr l = left;
      Expr r = concat();
      left = scope -> plus ? Values.add(defined(l.eval(scope)), defined(r.eval(scope)))
          : Values.arithmetic('-', defined(l.eval(scope)), defined(r.eval(scope)));
    }
    return left;
  }

  private Expr concat() {
    Expr left = product();
    while (nextIs("~")) {
      at++;
      Expr l = left;
      Expr r = product();
      left = scope -> Values.str(l.eval(scope)) + Values.str(r.eval(scope));
    }
    return left;
  }

  private Expr product() {
    Expr left = unary();
    while (nextIs("*") || nextIs("/") || nextIs("//") || nextIs("%")) {
      String op = tokens.get(at++).text;
      char code = op.equals("//") ? 'f' : op.charAt(0);
      Expr l = left;
      Expr r = unary();
      left = scope -> Values.arithmetic(code, defined(l.eval(scope)), defined(r.eval(scope)));
    }
    return left;
  }

  private Object defined(Object v) {
    if (v == UNDEFINED) {
      throw error("an undefined value is used in arithmetic");
    }
    return v;
  }

  private Expr unary() {
    if (nextIs("-")) {
      at++;
      Expr operand = unary();
      return scope -> Values.arithmetic('-', 0L, defined(operand.eval(scope)));
    }
    return filtersAndTests(postfix(primary()));
  }

  private Expr filtersAndTests(Expr value) {
    while (true) {
      if (nextIs("|")) {
        at++;
        String filter = name();
        List<Expr> args = new ArrayList<>();
        Map<String, Expr> kwargs = new LinkedHashMap<>();
        if (nextIs("(")) {
          arguments(args, kwargs);
        }
        Expr v = value;
        value = scope -> Builtins.filter(filter, v.eval(scope), evalAll(args, scope), evalAll(kwargs, scope));
      } else if (nextIs("is")) {
        at++;
        boolean negated = nextIs("not");
        if (negated) {
          at++;
        }
        String test = atEnd() ? "" : tokens.get(at++).text;
        List<Expr> args = new ArrayList<>();
        if (nextIs("(")) {
          arguments(args, new LinkedHashMap<>());
        } else if (!atEnd() && "sif".indexOf(tokens.get(at).kind) >= 0) {
          args.add(primary());
        }
        Expr v = value;
        value = scope -> negated != Builtins.test(test, v.eval(scope), evalAll(args, scope));
      } else {
        return value;
      }
    }
  }

  private Expr postfix(Expr value) {
    while (true) {
      if (nextIs(".")) {
        at++;
        String attribute = name();
        Expr v = value;
        value = scope -> Builtins.attribute(v.eval(scope), attribute);
      } else if (nextIs("[")) {
        at++;
        value = subscript(value);
      } else if (nextIs("(")) {
        List<Expr> args = new ArrayList<>();
        Map<String, Expr> kwargs = new LinkedHashMap<>();
        arguments(args, kwargs);
        Expr v = value;
        value = scope -> {
          Object callee = v.eval(scope);
          if (!(callee instanceof Values.Callable function)) {
            throw error("a " + Values.typeName(callee) + " is called as a function");
          }
          return function.call(evalAll(args, scope), evalAll(kwargs, scope));
        };
      } else {
        return value;
      }
    }
  }

  private Expr subscript(Expr value) {
    Expr[] parts = new Expr[3];
    int part = 0;
    boolean slice = false;
    while (!nextIs("]")) {
      if (nextIs(":")) {
        at++;
        slice = true;
        part++;
        if (part > 2) {
          throw error("a slice has at most two ':'");
        }
      } else {
        parts[part] = expression();
      }
    }
    expect("]");
    if (!slice) {
      Expr key = parts[0];
      return scope -> Values.index(value.eval(scope), key.eval(scope));
    }
    return scope -> Values.slice(value.eval(scope), evalOrNull(parts[0], scope), evalOrNull(parts[1], scope), evalOrNull(parts[2], scope));
  }

  private static Object evalOrNull(Expr e, Scope scope) {
    return e == null ? null : e.eval(scope);
  }

  private void arguments(List<Expr> args, Map<String, Expr> kwargs) {
    expect("(");
    while (!nextIs(")")) {
      if (!atEnd() && tokens.get(at).kind == 'n' && at + 1 < tokens.size() && tokens.get(at + 1).text.equals("=")) {
        String key = name();
        at++;
        kwargs.put(key, expression());
      } else {
        args.add(expression());
      }
      if (!nextIs(")")) {
        expect(",");
      }
    }
    expect(")");
  }

  private Expr primary() {
    if (atEnd()) {
      throw error("the expression ends too early");
    }
    Token t = tokens.get(at++);
    switch (t.kind) {
      case 's':
        StringBuilder joined = new StringBuilder(t.text); // Jinja joins adjacent literals: 'a' 'b' is 'ab'
        while (!atEnd() && tokens.get(at).kind == 's') {
          joined.append(tokens.get(at++).text);
        }
        String text = joined.toString();
        return scope -> text;
      case 'i':
        long number = Long.parseLong(t.text);
        return scope -> number;
      case 'f':
        double real = Double.parseDouble(t.text);
        return scope -> real;
      case 'n':
        return switch (t.text) {
          case "true", "True" -> scope -> true;
          case "false", "False" -> scope -> false;
          case "none", "None" -> scope -> null;
          default -> scope -> scope.get(t.text);
        };
      default:
        break;
    }
    switch (t.text) {
      case "(":
        List<Expr> items = sequence(")");
        if (items.size() == 1 && !tokens.get(at - 2).text.equals(",")) {
          return items.get(0);
        }
        return scope -> new Values.Tuple(evalAll(items, scope));
      case "[":
        List<Expr> list = sequence("]");
        return scope -> evalAll(list, scope);
      case "{":
        List<Expr[]> entries = new ArrayList<>();
        while (!nextIs("}")) {
          Expr key = expression();
          expect(":");
          entries.add(new Expr[] {key, expression()});
          if (!nextIs("}")) {
            expect(",");
          }
        }
        expect("}");
        return scope -> {
          Map<Object, Object> map = new LinkedHashMap<>();
          entries.forEach(e -> map.put(e[0].eval(scope), e[1].eval(scope)));
          return map;
        };
      default:
        throw error("unexpected '" + t.text + "'");
    }
  }

  private List<Expr> sequence(String close) {
    List<Expr> items = new ArrayList<>();
    while (!nextIs(close)) {
      items.add(expression());
      if (!nextIs(close)) {
        expect(",");
      }
    }
    expect(close);
    return items;
  }

  private Expr skipThen(java.util.function.Supplier<Expr> next) {
    at++;
    return next.get();
  }

  private static List<Object> evalAll(List<Expr> exprs, Scope scope) {
    List<Object> values = new ArrayList<>(exprs.size());
    exprs.forEach(e -> values.add(e.eval(scope)));
    return values;
  }

  private static Map<String, Object> evalAll(Map<String, Expr> exprs, Scope scope) {
    Map<String, Object> values = new LinkedHashMap<>();
    exprs.forEach((k, e) -> values.put(k, e.eval(scope)));
    return values;
  }

  // ---- scanner ----

  private void scan() {
    int i = 0;
    while (i < source.length()) {
      char c = source.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < source.length() && (Character.isLetterOrDigit(source.charAt(i)) || source.charAt(i) == '_')) {
          i++;
        }
        tokens.add(new Token('n', source.substring(start, i)));
      } else if (Character.isDigit(c)) {
        int start = i;
        while (i < source.length() && Character.isDigit(source.charAt(i))) {
          i++;
        }
        boolean real = i + 1 < source.length() && source.charAt(i) == '.' && Character.isDigit(source.charAt(i + 1));
        if (real) {
          i++;
          while (i < source.length() && Character.isDigit(source.charAt(i))) {
            i++;
          }
        }
        tokens.add(new Token(real ? 'f' : 'i', source.substring(start, i)));
      } else if (c == '\'' || c == '"') {
        i = string(i, c);
      } else {
        String two = i + 1 < source.length() ? source.substring(i, i + 2) : "";
        String op = OPERATORS.contains(two) ? two : String.valueOf(c);
        if (!OPERATORS.contains(op)) {
          throw error("unexpected character '" + c + "'");
        }
        tokens.add(new Token('o', op));
        i += op.length();
      }
    }
  }

  private int string(int start, char quote) {
    StringBuilder text = new StringBuilder();
    int i = start + 1;
    while (i < source.length() && source.charAt(i) != quote) {
      char c = source.charAt(i++);
      if (c != '\\' || i >= source.length()) {
        text.append(c);
        continue;
      }
      char e = source.charAt(i++);
      switch (e) {
        case 'n' -> text.append('\n');
        case 't' -> text.append('\t');
        case 'r' -> text.append('\r');
        case 'u' -> {
          text.append((char) Integer.parseInt(source.substring(i, i + 4), 16));
          i += 4;
        }
        default -> text.append(e);
      }
    }
    if (i >= source.length()) {
      throw error("a string is never closed");
    }
    tokens.add(new Token('s', text.toString()));
    return i + 1;
  }
}
