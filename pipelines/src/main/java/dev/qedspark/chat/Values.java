package dev.qedspark.chat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Python's meaning of the values a chat template handles: strings, integers ({@link Long}),
 * floats ({@link Double}), booleans, {@code None} (null), lists, dicts ({@link Map}), and
 * {@link #UNDEFINED} for a name or key that does not exist.
 */
final class Values {
  /** Jinja's Undefined: renders as nothing, is false, and fails when used in arithmetic. */
  static final Object UNDEFINED = new Object() {
    @Override
    public String toString() {
      return "";
    }
  };

  /** A Jinja {@code namespace(...)}: the one object a template may change ({@code set ns.x = ...}). */
  static final class Namespace extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;
  }

  /** A Python tuple: a list that prints in parentheses. */
  static final class Tuple extends java.util.ArrayList<Object> {
    private static final long serialVersionUID = 1L;

    Tuple(java.util.Collection<?> items) {
      super(items);
    }
  }

  /** A function or bound method a template can call. */
  @FunctionalInterface
  interface Callable {
    Object call(List<Object> args, Map<String, Object> kwargs);
  }

  private Values() {}

  static boolean truthy(Object v) {
    if (v == null || v == UNDEFINED) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Long l) {
      return l != 0;
    }
    if (v instanceof Double d) {
      return d != 0;
    }
    if (v instanceof String s) {
      return !s.isEmpty();
    }
    if (v instanceof List<?> l) {
      return !l.isEmpty();
    }
    if (v instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }

  /** Python's {@code str()}, as {@code {{ value }}} prints it. */
  static String str(Object v) {
    if (v instanceof String s) {
      return s;
    }
    return repr(v);
  }

  /** Python's {@code repr()} (lists and dicts print their items this way). */
  static String repr(Object v) {
    if (v == UNDEFINED) {
      return "";
    }
    if (v == null) {
      return "None";
    }
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (v instanceof String s) {
      return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
    }
    if (v instanceof Double d) {
      return d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e16 ? String.valueOf(d.longValue()) + ".0" : String.valueOf(d);
    }
    if (v instanceof List<?> l) {
      List<String> items = new ArrayList<>();
      l.forEach(x -> items.add(repr(x)));
      if (v instanceof Tuple) {
        return "(" + String.join(", ", items) + (items.size() == 1 ? ",)" : ")");
      }
      return "[" + String.join(", ", items) + "]";
    }
    if (v instanceof Map<?, ?> m) {
      List<String> items = new ArrayList<>();
      m.forEach((k, x) -> items.add(repr(k) + ": " + repr(x)));
      return "{" + String.join(", ", items) + "}";
    }
    return String.valueOf(v);
  }

  /** Python's {@code json.dumps(v, ensure_ascii=False)} with an optional indent, as Hugging Face's {@code tojson}. */
  static String json(Object v, Integer indent) {
    StringBuilder out = new StringBuilder();
    json(v, indent, 0, out);
    return out.toString();
  }

  private static void json(Object v, Integer indent, int depth, StringBuilder out) {
    if (v == null || v == UNDEFINED) {
      out.append("null");
    } else if (v instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (v instanceof Long || v instanceof Double) {
      out.append(repr(v));
    } else if (v instanceof String s) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          case '\b' -> out.append("\\b");
          case '\f' -> out.append("\\f");
          default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
      }
      out.append('"');
    } else if (v instanceof List<?> l) {
      jsonItems(l.iterator(), l.isEmpty(), indent, depth, out, '[', ']', (x, o) -> json(x, indent, depth + 1, o));
    } else if (v instanceof Map<?, ?> m) {
      jsonItems(m.entrySet().iterator(), m.isEmpty(), indent, depth, out, '{', '}', (e, o) -> {
        json(str(((Map.Entry<?, ?>) e).getKey()), indent, depth + 1, o);
        o.append(": ");
        json(((Map.Entry<?, ?>) e).getValue(), indent, depth + 1, o);
      });
    } else {
      throw new TemplateException("tojson cannot write a " + v.getClass().getSimpleName());
    }
  }

  private static <T> void jsonItems(Iterator<T> items, boolean empty, Integer indent, int depth, StringBuilder out, char open, char close,
      java.util.function.BiConsumer<T, StringBuilder> item) {
    out.append(open);
    if (empty) {
      out.append(close);
      return;
    }
    String newline = indent == null ? "" : "\n" + " ".repeat(indent * (depth + 1));
    boolean first = true;
    while (items.hasNext()) {
      out.append(first ? "" : indent == null ? ", " : ",").append(newline);
      item.accept(items.next(), out);
      first = false;
    }
    out.append(indent == null ? "" : "\n" + " ".repeat(indent * depth)).append(close);
  }

  static boolean equal(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y && !(a instanceof Boolean) && !(b instanceof Boolean)) {
      return x.doubleValue() == y.doubleValue();
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!equal(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b);
  }

  static int compare(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return Double.compare(x.doubleValue(), y.doubleValue());
    }
    if (a instanceof String x && b instanceof String y) {
      return x.compareTo(y);
    }
    throw new TemplateException("cannot compare " + typeName(a) + " with " + typeName(b));
  }

  static boolean contains(Object container, Object item) {
    if (container instanceof String s && item instanceof String i) {
      return s.contains(i);
    }
    if (container instanceof List<?> l) {
      return l.stream().anyMatch(x -> equal(x, item));
    }
    if (container instanceof Map<?, ?> m) {
      return m.containsKey(item);
    }
    throw new TemplateException("'in' needs a string, list or dict on its right, not " + typeName(container));
  }

  static Object add(Object a, Object b) {
    if (a instanceof String x && b instanceof String y) {
      return x + y;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      List<Object> all = new ArrayList<>(x);
      all.addAll(y);
      return all;
    }
    return arithmetic('+', a, b);
  }

  static Object arithmetic(char op, Object a, Object b) {
    if (!(a instanceof Number x) || !(b instanceof Number y) || a instanceof Boolean || b instanceof Boolean) {
      throw new TemplateException("unsupported operand types for " + op + ": " + typeName(a) + " and " + typeName(b));
    }
    boolean integers = x instanceof Long && y instanceof Long;
    switch (op) {
      case '+':
        return integers ? (Object) (x.longValue() + y.longValue()) : x.doubleValue() + y.doubleValue();
      case '-':
        return integers ? (Object) (x.longValue() - y.longValue()) : x.doubleValue() - y.doubleValue();
      case '*':
        return integers ? (Object) (x.longValue() * y.longValue()) : x.doubleValue() * y.doubleValue();
      case '/':
        return x.doubleValue() / y.doubleValue();
      case 'f':
        return integers ? (Object) Math.floorDiv(x.longValue(), y.longValue()) : Math.floor(x.doubleValue() / y.doubleValue());
      case '%':
        return integers ? (Object) Math.floorMod(x.longValue(), y.longValue()) : x.doubleValue() % y.doubleValue();
      default:
        throw new IllegalArgumentException("operator " + op);
    }
  }

  static String typeName(Object v) {
    if (v == UNDEFINED) {
      return "undefined";
    }
    if (v == null) {
      return "None";
    }
    if (v instanceof String) {
      return "str";
    }
    if (v instanceof Long) {
      return "int";
    }
    if (v instanceof Double) {
      return "float";
    }
    if (v instanceof Boolean) {
      return "bool";
    }
    if (v instanceof List) {
      return "list";
    }
    if (v instanceof Map) {
      return "dict";
    }
    return v.getClass().getSimpleName();
  }

  /** Python's indexing: negative indexes count from the end; out of range is undefined; indexing an undefined value is an error. */
  static Object index(Object container, Object key) {
    if (container == UNDEFINED) {
      throw new TemplateException("[" + repr(key) + "] is read from an undefined value");
    }
    if (container instanceof Map<?, ?> m) {
      return m.containsKey(key) ? m.get(key) : UNDEFINED;
    }
    if (key instanceof Long i && (container instanceof List<?> || container instanceof String)) {
      int size = container instanceof List<?> l ? l.size() : ((String) container).length();
      long at = i < 0 ? size + i : i;
      if (at < 0 || at >= size) {
        return UNDEFINED;
      }
      return container instanceof List<?> l ? l.get((int) at) : String.valueOf(((String) container).charAt((int) at));
    }
    return UNDEFINED;
  }

  /** Python's {@code container[start:stop:step]} on a list or string. */
  static Object slice(Object container, Object start, Object stop, Object step) {
    List<?> items = container instanceof List<?> l ? l : container instanceof String s ? s.chars().mapToObj(c -> String.valueOf((char) c)).toList() : null;
    if (items == null) {
      throw new TemplateException("cannot slice a " + typeName(container));
    }
    int size = items.size();
    long by = step == null ? 1 : asLong(step, "slice step");
    if (by == 0) {
      throw new TemplateException("slice step cannot be zero");
    }
    long from = start == null ? (by > 0 ? 0 : size - 1) : clamp(asLong(start, "slice start"), size, by);
    long to = stop == null ? (by > 0 ? size : -1) : clamp(asLong(stop, "slice stop"), size, by);
    List<Object> out = new ArrayList<>();
    for (long i = from; by > 0 ? i < to : i > to; i += by) {
      out.add(items.get((int) i));
    }
    if (container instanceof String) {
      StringBuilder s = new StringBuilder();
      out.forEach(s::append);
      return s.toString();
    }
    return out;
  }

  private static long clamp(long index, int size, long step) {
    long i = index < 0 ? index + size : index;
    if (step > 0) {
      return Math.max(0, Math.min(i, size));
    }
    return Math.max(-1, Math.min(i, size - 1));
  }

  static long asLong(Object v, String what) {
    if (v instanceof Long l) {
      return l;
    }
    throw new TemplateException(what + " must be an integer, not " + typeName(v));
  }

  static String asString(Object v, String what) {
    if (v instanceof String s) {
      return s;
    }
    throw new TemplateException(what + " must be a string, not " + typeName(v));
  }

  static List<?> asList(Object v, String what) {
    if (v instanceof List<?> l) {
      return l;
    }
    if (v instanceof Map<?, ?> m) {
      return new ArrayList<>(m.keySet());
    }
    if (v instanceof String s) {
      return s.chars().mapToObj(c -> String.valueOf((char) c)).toList();
    }
    throw new TemplateException(what + " must be a list, not " + typeName(v));
  }
}
