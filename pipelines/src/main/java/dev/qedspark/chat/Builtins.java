package dev.qedspark.chat;

import static dev.qedspark.chat.Values.UNDEFINED;
import static dev.qedspark.chat.Values.asList;
import static dev.qedspark.chat.Values.asLong;
import static dev.qedspark.chat.Values.asString;
import static dev.qedspark.chat.Values.str;
import static dev.qedspark.chat.Values.truthy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The functions, filters, tests and methods chat templates use: Jinja's common filters and tests,
 * Python's string and dict methods, and Hugging Face's globals ({@code raise_exception},
 * {@code namespace}). Anything else fails with a message that names it.
 */
final class Builtins {
  private Builtins() {}

  static Object global(String name) {
    return switch (name) {
      case "namespace" -> (Values.Callable) (args, kwargs) -> {
        Values.Namespace ns = new Values.Namespace();
        ns.putAll(kwargs);
        return ns;
      };
      case "dict" -> (Values.Callable) (args, kwargs) -> new java.util.LinkedHashMap<>(kwargs);
      case "raise_exception" -> (Values.Callable) (args, kwargs) -> {
        throw new TemplateException("the chat template refused the conversation: " + (args.isEmpty() ? "" : str(args.get(0))));
      };
      case "range" -> (Values.Callable) (args, kwargs) -> range(args);
      case "strftime_now" -> (Values.Callable) (args, kwargs) -> strftimeNow(asString(args.get(0), "strftime_now's format"));
      default -> UNDEFINED;
    };
  }

  /** Hugging Face's {@code strftime_now}: today's date in a Python strftime format (Llama 3 templates print it). */
  private static String strftimeNow(String format) {
    java.time.LocalDateTime now = java.time.LocalDateTime.now();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%' || i + 1 == format.length()) {
        out.append(c);
        continue;
      }
      char d = format.charAt(++i);
      String pattern = switch (d) {
        case 'd' -> "dd";
        case 'm' -> "MM";
        case 'Y' -> "yyyy";
        case 'y' -> "yy";
        case 'b' -> "MMM";
        case 'B' -> "MMMM";
        case 'a' -> "EEE";
        case 'A' -> "EEEE";
        case 'H' -> "HH";
        case 'M' -> "mm";
        case 'S' -> "ss";
        case '%' -> null;
        default -> throw new TemplateException("strftime_now does not know %" + d);
      };
      out.append(pattern == null ? "%" : now.format(java.time.format.DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH)));
    }
    return out.toString();
  }

  private static List<Object> range(List<Object> args) {
    long start = args.size() > 1 ? asLong(args.get(0), "range start") : 0;
    long stop = asLong(args.get(args.size() > 1 ? 1 : 0), "range stop");
    long step = args.size() > 2 ? asLong(args.get(2), "range step") : 1;
    List<Object> out = new ArrayList<>();
    for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
      out.add(i);
    }
    return out;
  }

  /** {@code value.name}: a method of a string or dict, a dict's key, or undefined; an error on an undefined value, as in Jinja. */
  static Object attribute(Object value, String name) {
    if (value == UNDEFINED) {
      throw new TemplateException("'" + name + "' is read from an undefined value");
    }
    if (value instanceof String s) {
      return stringMethod(s, name);
    }
    if (value instanceof Map<?, ?> map) {
      if (!(value instanceof Values.Namespace)) {
        Values.Callable method = dictMethod(map, name);
        if (method != null) {
          return method;
        }
      }
      return map.containsKey(name) ? map.get(name) : UNDEFINED;
    }
    return UNDEFINED;
  }

  private static Values.Callable dictMethod(Map<?, ?> map, String name) {
    return switch (name) {
      case "get" -> (args, kwargs) -> map.containsKey(args.get(0)) ? map.get(args.get(0)) : args.size() > 1 ? args.get(1) : null;
      case "items" -> (args, kwargs) -> map.entrySet().stream().map(e -> (Object) new Values.Tuple(java.util.Arrays.asList(e.getKey(), e.getValue()))).toList();
      case "keys" -> (args, kwargs) -> new ArrayList<Object>(map.keySet());
      case "values" -> (args, kwargs) -> new ArrayList<Object>(map.values());
      default -> null;
    };
  }

  private static Object stringMethod(String s, String name) {
    return switch (name) {
      case "startswith" -> (Values.Callable) (args, kwargs) -> anyOf(args.get(0), p -> s.startsWith(p));
      case "endswith" -> (Values.Callable) (args, kwargs) -> anyOf(args.get(0), p -> s.endsWith(p));
      case "strip" -> (Values.Callable) (args, kwargs) -> strip(s, chars(args), true, true);
      case "lstrip" -> (Values.Callable) (args, kwargs) -> strip(s, chars(args), true, false);
      case "rstrip" -> (Values.Callable) (args, kwargs) -> strip(s, chars(args), false, true);
      case "split" -> (Values.Callable) (args, kwargs) -> split(s, args.isEmpty() ? null : args.get(0), args.size() > 1 ? asLong(args.get(1), "maxsplit") : -1);
      case "upper" -> (Values.Callable) (args, kwargs) -> s.toUpperCase(Locale.ROOT);
      case "lower" -> (Values.Callable) (args, kwargs) -> s.toLowerCase(Locale.ROOT);
      case "title" -> (Values.Callable) (args, kwargs) -> title(s);
      case "capitalize" -> (Values.Callable) (args, kwargs) -> capitalize(s);
      case "replace" -> (Values.Callable) (args, kwargs) -> s.replace(asString(args.get(0), "replace's old text"), asString(args.get(1), "replace's new text"));
      case "find" -> (Values.Callable) (args, kwargs) -> (long) s.indexOf(asString(args.get(0), "find's text"));
      case "join" -> (Values.Callable) (args, kwargs) -> join(asList(args.get(0), "join's items"), s);
      default -> UNDEFINED;
    };
  }

  private static boolean anyOf(Object prefixes, java.util.function.Predicate<String> test) {
    if (prefixes instanceof List<?> options) {
      return options.stream().anyMatch(p -> test.test(asString(p, "prefix")));
    }
    return test.test(asString(prefixes, "prefix"));
  }

  private static String chars(List<Object> args) {
    return args.isEmpty() || args.get(0) == null ? null : asString(args.get(0), "strip's characters");
  }

  /** Python's strip: whitespace, or any of {@code chars}, from the chosen ends. */
  static String strip(String s, String chars, boolean left, boolean right) {
    int start = 0;
    int end = s.length();
    while (left && start < end && strippable(s.charAt(start), chars)) {
      start++;
    }
    while (right && end > start && strippable(s.charAt(end - 1), chars)) {
      end--;
    }
    return s.substring(start, end);
  }

  private static boolean strippable(char c, String chars) {
    return chars == null ? Character.isWhitespace(c) || Character.isSpaceChar(c) : chars.indexOf(c) >= 0;
  }

  private static List<Object> split(String s, Object separator, long maxSplit) {
    List<Object> parts = new ArrayList<>();
    if (separator == null) {
      for (String part : s.strip().split("\\s+", maxSplit < 0 ? 0 : (int) maxSplit + 1)) {
        if (!part.isEmpty()) {
          parts.add(part);
        }
      }
      return parts;
    }
    String sep = asString(separator, "split's separator");
    if (sep.isEmpty()) {
      throw new TemplateException("split's separator cannot be empty");
    }
    int from = 0;
    for (int at = s.indexOf(sep); at >= 0 && (maxSplit < 0 || parts.size() < maxSplit); at = s.indexOf(sep, from)) {
      parts.add(s.substring(from, at));
      from = at + sep.length();
    }
    parts.add(s.substring(from));
    return parts;
  }

  private static String title(String s) {
    StringBuilder out = new StringBuilder();
    boolean start = true;
    for (char c : s.toCharArray()) {
      out.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
      start = !Character.isLetter(c);
    }
    return out.toString();
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1).toLowerCase(Locale.ROOT);
  }

  private static String join(List<?> items, String separator) {
    List<String> parts = new ArrayList<>();
    items.forEach(i -> parts.add(str(i)));
    return String.join(separator, parts);
  }

  /** {@code value | name(args)}. */
  static Object filter(String name, Object value, List<Object> args, Map<String, Object> kwargs) {
    switch (name) {
      case "length", "count":
        return (long) (value instanceof String s ? s.length() : asList(value, "length's value").size());
      case "tojson":
        Object indent = kwargs.getOrDefault("indent", args.isEmpty() ? null : args.get(0));
        return Values.json(value, indent == null ? null : (int) asLong(indent, "tojson's indent"));
      case "trim":
        return strip(str(value), args.isEmpty() ? null : asString(args.get(0), "trim's characters"), true, true);
      case "string":
        return str(value);
      case "upper":
        return str(value).toUpperCase(Locale.ROOT);
      case "lower":
        return str(value).toLowerCase(Locale.ROOT);
      case "title":
        return title(str(value));
      case "capitalize":
        return capitalize(str(value));
      case "default", "d":
        boolean ifFalse = args.size() > 1 && truthy(args.get(1)) || truthy(kwargs.get("boolean"));
        return value == UNDEFINED || ifFalse && !truthy(value) ? (args.isEmpty() ? "" : args.get(0)) : value;
      case "first":
        return Values.index(asList(value, "first's value"), 0L);
      case "last":
        return Values.index(asList(value, "last's value"), -1L);
      case "join":
        return join(asList(value, "join's value"), args.isEmpty() ? "" : asString(args.get(0), "join's separator"));
      case "list":
        return new ArrayList<Object>(asList(value, "list's value"));
      case "reverse":
        return value instanceof String s ? new StringBuilder(s).reverse().toString() : Values.slice(value, null, null, -1L);
      case "unique":
        return new ArrayList<Object>(new LinkedHashSet<>(asList(value, "unique's value")));
      case "replace":
        return str(value).replace(asString(args.get(0), "replace's old text"), asString(args.get(1), "replace's new text"));
      case "int":
        return value instanceof Number n ? n.longValue() : Long.parseLong(str(value).strip());
      case "float":
        return value instanceof Number n ? n.doubleValue() : Double.parseDouble(str(value).strip());
      case "abs":
        return value instanceof Long l ? (Object) Math.abs(l) : Math.abs(((Number) value).doubleValue());
      case "items":
        return dictMethod((Map<?, ?>) value, "items").call(List.of(), Map.of());
      case "safe":
        return value;
      case "selectattr", "rejectattr":
        return selectByAttribute(name.equals("selectattr"), asList(value, name + "'s value"), args);
      case "map":
        Object attribute = kwargs.get("attribute");
        if (attribute == null) {
          throw new TemplateException("map is supported with attribute=NAME only");
        }
        return asList(value, "map's value").stream().map(v -> attribute(v, asString(attribute, "map's attribute"))).toList();
      default:
        throw new TemplateException("unknown filter '" + name + "'");
    }
  }

  private static List<Object> selectByAttribute(boolean keep, List<?> items, List<Object> args) {
    String attribute = asString(args.get(0), "the attribute");
    List<Object> out = new ArrayList<>();
    for (Object item : items) {
      Object v = attribute(item, attribute);
      boolean passes = args.size() > 1 ? test(asString(args.get(1), "the test"), v, args.subList(2, args.size())) : truthy(v);
      if (passes == keep) {
        out.add(item);
      }
    }
    return out;
  }

  /** {@code value is name(args)}. */
  static boolean test(String name, Object value, List<Object> args) {
    return switch (name) {
      case "defined" -> value != UNDEFINED;
      case "undefined" -> value == UNDEFINED;
      case "none" -> value == null;
      case "string" -> value instanceof String;
      case "number" -> value instanceof Long || value instanceof Double;
      case "integer" -> value instanceof Long;
      case "float" -> value instanceof Double;
      case "boolean" -> value instanceof Boolean;
      case "true" -> Boolean.TRUE.equals(value);
      case "false" -> Boolean.FALSE.equals(value);
      case "mapping" -> value instanceof Map;
      case "sequence", "iterable" -> value instanceof List || value instanceof String || value instanceof Map;
      case "callable" -> value instanceof Values.Callable;
      case "eq", "equalto", "==" -> Values.equal(value, args.get(0));
      case "ne", "!=" -> !Values.equal(value, args.get(0));
      case "odd" -> asLong(value, "odd's value") % 2 != 0;
      case "even" -> asLong(value, "even's value") % 2 == 0;
      case "in" -> Values.contains(args.get(0), value);
      default -> throw new TemplateException("unknown test '" + name + "'");
    };
  }
}
