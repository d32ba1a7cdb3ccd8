package dev.qedspark.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face chat template (the Jinja {@code chat_template} of {@code tokenizer_config.json}),
 * parsed once and rendered like {@code tokenizer.apply_chat_template}: Jinja with
 * {@code trim_blocks} and {@code lstrip_blocks}, loop controls, and Hugging Face's
 * {@code tojson} and {@code raise_exception}.
 *
 * <p>The project's own interpreter of the Jinja subset chat templates use: {@code if/elif/else},
 * {@code for} (with {@code loop.*}, {@code else}, an {@code if} filter, {@code break} and
 * {@code continue}), {@code set} (names and namespace attributes), expressions with Python's
 * string and dict methods, slices, and the common filters and tests. Macros, blocks, includes and
 * {@code {% set %}...{% endset %}} are refused with the line that uses them. Qwen3's template is
 * checked character for character against Python's Jinja2 in the tests.
 */
public final class ChatTemplate {
  private interface Node {
    /** Renders into {@code out}; returns "break", "continue" or null. */
    String render(Scope scope, StringBuilder out);
  }

  private final List<Node> body;

  private ChatTemplate(List<Node> body) {
    this.body = body;
  }

  /** Parses a template; a syntax error names the line. */
  public static ChatTemplate parse(String source) {
    // Jinja drops one newline at the very end of a template (keep_trailing_newline is off).
    source = source.endsWith("\r\n") ? source.substring(0, source.length() - 2)
        : source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
    Parser parser = new Parser(TemplateLexer.split(source));
    List<Node> body = parser.block(List.of());
    if (parser.at < parser.pieces.size()) {
      TemplateLexer.Piece stray = parser.pieces.get(parser.at);
      throw new TemplateException("chat template line " + stray.line() + ": '" + stray.content() + "' has no opening tag");
    }
    return new ChatTemplate(body);
  }

  /**
   * Renders with the given variables ({@code messages}, {@code add_generation_prompt},
   * {@code bos_token}, ...). Values are strings, numbers, booleans, null, lists and maps.
   */
  public String render(Map<String, ?> variables) {
    Scope scope = new Scope(null);
    variables.forEach(scope::set);
    StringBuilder out = new StringBuilder();
    renderAll(body, scope, out);
    return out.toString();
  }

  private static String renderAll(List<Node> nodes, Scope scope, StringBuilder out) {
    for (Node node : nodes) {
      String signal = node.render(scope, out);
      if (signal != null) {
        return signal;
      }
    }
    return null;
  }

  private static final class Parser {
    final List<TemplateLexer.Piece> pieces;
    int at;

    Parser(List<TemplateLexer.Piece> pieces) {
      this.pieces = pieces;
    }

    /** Nodes up to (not including) a statement whose first word is one of {@code ends}. */
    List<Node> block(List<String> ends) {
      List<Node> nodes = new ArrayList<>();
      while (at < pieces.size()) {
        TemplateLexer.Piece piece = pieces.get(at);
        switch (piece.kind()) {
          case TEXT -> {
            String text = piece.content();
            nodes.add((scope, out) -> {
              out.append(text);
              return null;
            });
            at++;
          }
          case OUTPUT -> {
            ExpressionParser p = new ExpressionParser(piece.content(), piece.line());
            Expr value = p.expression();
            p.expectEnd();
            nodes.add((scope, out) -> {
              out.append(Values.str(value.eval(scope)));
              return null;
            });
            at++;
          }
          case STATEMENT -> {
            String keyword = piece.content().split("\\s+", 2)[0];
            if (ends.contains(keyword)) {
              return nodes;
            }
            at++;
            nodes.add(statement(keyword, piece));
          }
          default -> throw new IllegalStateException();
        }
      }
      if (!ends.isEmpty()) {
        throw new TemplateException("chat template: a block is never closed with '" + ends.get(ends.size() - 1) + "'");
      }
      return nodes;
    }

    private Node statement(String keyword, TemplateLexer.Piece piece) {
      ExpressionParser p = new ExpressionParser(piece.content(), piece.line());
      p.name();
      return switch (keyword) {
        case "if" -> ifStatement(p);
        case "for" -> forStatement(p, piece);
        case "set" -> setStatement(p);
        case "break", "continue" -> {
          p.expectEnd();
          yield (scope, out) -> keyword;
        }
        case "generation" -> {
          // Hugging Face's marker around assistant text: renders its body unchanged.
          List<Node> inner = block(List.of("endgeneration"));
          at++;
          yield (scope, out) -> renderAll(inner, scope, out);
        }
        default -> throw p.error("'" + keyword + "' is not supported in chat templates here");
      };
    }

    private Node ifStatement(ExpressionParser p) {
      List<Expr> conditions = new ArrayList<>();
      List<List<Node>> branches = new ArrayList<>();
      conditions.add(endOf(p, p.expression()));
      while (true) {
        branches.add(block(List.of("elif", "else", "endif")));
        TemplateLexer.Piece end = pieces.get(at++);
        ExpressionParser q = new ExpressionParser(end.content(), end.line());
        String word = q.name();
        if (word.equals("endif")) {
          q.expectEnd();
          break;
        }
        conditions.add(word.equals("elif") ? endOf(q, q.expression()) : endOf(q, scope -> true));
      }
      return (scope, out) -> {
        for (int i = 0; i < conditions.size(); i++) {
          if (Values.truthy(conditions.get(i).eval(scope))) {
            return renderAll(branches.get(i), scope, out);
          }
        }
        return null;
      };
    }

    private Node forStatement(ExpressionParser p, TemplateLexer.Piece piece) {
      List<String> targets = new ArrayList<>(List.of(p.name()));
      while (p.nextIs(",")) {
        p.expect(",");
        targets.add(p.name());
      }
      p.expect("in");
      Expr iterable = p.or();
      Expr filter = null;
      if (p.nextIs("if")) {
        p.expect("if");
        filter = p.expression();
      }
      p.expectEnd();
      List<Node> loopBody = block(List.of("else", "endfor"));
      List<Node> elseBody = List.of();
      if (pieces.get(at++).content().startsWith("else")) {
        elseBody = block(List.of("endfor"));
        at++;
      }
      Expr condition = filter;
      List<Node> otherwise = elseBody;
      return (scope, out) -> {
        List<Object> items = new ArrayList<>();
        Object over = iterable.eval(scope);
        for (Object item : over == Values.UNDEFINED ? List.of() : Values.asList(over, "the for loop's items (line " + piece.line() + ")")) {
          Scope probe = new Scope(scope);
          bind(probe, targets, item, p);
          if (condition == null || Values.truthy(condition.eval(probe))) {
            items.add(item);
          }
        }
        if (items.isEmpty()) {
          return renderAll(otherwise, scope, out);
        }
        for (int i = 0; i < items.size(); i++) {
          Scope inner = new Scope(scope);
          bind(inner, targets, items.get(i), p);
          inner.set("loop", loop(i, items));
          String signal = renderAll(loopBody, inner, out);
          if ("break".equals(signal)) {
            break;
          }
        }
        return null;
      };
    }

    private static void bind(Scope scope, List<String> targets, Object item, ExpressionParser p) {
      if (targets.size() == 1) {
        scope.set(targets.get(0), item);
        return;
      }
      List<?> parts = Values.asList(item, "a loop item unpacked into " + targets);
      if (parts.size() != targets.size()) {
        throw p.error("a loop item has " + parts.size() + " parts, not " + targets.size());
      }
      for (int i = 0; i < targets.size(); i++) {
        scope.set(targets.get(i), parts.get(i));
      }
    }

    private static Map<String, Object> loop(int i, List<Object> items) {
      Map<String, Object> loop = new LinkedHashMap<>();
      int n = items.size();
      loop.put("index0", (long) i);
      loop.put("index", (long) i + 1);
      loop.put("revindex0", (long) (n - 1 - i));
      loop.put("revindex", (long) (n - i));
      loop.put("first", i == 0);
      loop.put("last", i == n - 1);
      loop.put("length", (long) n);
      loop.put("previtem", i > 0 ? items.get(i - 1) : Values.UNDEFINED);
      loop.put("nextitem", i < n - 1 ? items.get(i + 1) : Values.UNDEFINED);
      return loop;
    }

    private Node setStatement(ExpressionParser p) {
      String target = p.name();
      String attribute = null;
      if (p.nextIs(".")) {
        p.expect(".");
        attribute = p.name();
      }
      if (!p.nextIs("=")) {
        throw p.error("only 'set NAME = VALUE' and 'set NAMESPACE.NAME = VALUE' are supported");
      }
      p.expect("=");
      Expr value = endOf(p, p.expression());
      String field = attribute;
      return (scope, out) -> {
        Object v = value.eval(scope);
        if (field == null) {
          scope.set(target, v);
        } else if (scope.get(target) instanceof Values.Namespace ns) {
          ns.put(field, v);
        } else {
          throw p.error("'" + target + "' is not a namespace, so '" + target + "." + field + "' cannot be set");
        }
        return null;
      };
    }

    private static Expr endOf(ExpressionParser p, Expr e) {
      p.expectEnd();
      return e;
    }
  }
}
