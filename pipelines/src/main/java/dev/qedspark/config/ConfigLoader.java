package dev.qedspark.config;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qedspark.common.ConfigException;
import dev.qedspark.common.Suggestions;
import dev.qedspark.common.Yaml;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds the effective {@link QedConfig} from layers, later layers winning: the defaults in code,
 * then the command's own defaults, then each {@code --conf FILE} in order, then each
 * {@code --set key=value}. Keys are checked
 * against the records before binding, so a typo is reported with its place and the valid keys
 * near it rather than silently ignored.
 */
public final class ConfigLoader {

  private final ObjectNode tree = Yaml.MAPPER.valueToTree(QedConfig.DEFAULTS);
  private final Map<String, String> origins = new HashMap<>();

  private ConfigLoader() {}

  /**
   * Loads the configuration.
   *
   * @param files YAML files, applied in order
   * @param overrides {@code key=value} strings with dotted keys, applied after the files
   */
  public static QedConfig load(List<Path> files, List<String> overrides) {
    return load(List.of(), files, overrides);
  }

  /**
   * Loads the configuration over a command's own defaults.
   *
   * @param defaults {@code key=value} strings applied first, over the defaults in code: where a
   *     command starts from (the demo's shorter answers), which any file or override replaces
   * @param files YAML files, applied in order
   * @param overrides {@code key=value} strings with dotted keys, applied after the files
   */
  public static QedConfig load(List<String> defaults, List<Path> files, List<String> overrides) {
    ConfigLoader loader = new ConfigLoader();
    for (String setting : defaults) {
      loader.applyOverride(setting, "the command's own default " + setting);
    }
    for (Path file : files) {
      loader.applyFile(file);
    }
    for (String override : overrides) {
      loader.applyOverride(override, "--set " + override);
    }
    return loader.bind();
  }

  private void applyFile(Path file) {
    JsonNode node;
    try {
      node = Yaml.MAPPER.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file not found: " + file);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + firstLine(e.getMessage()), e);
    }
    if (node == null || node.isMissingNode() || node.isNull()) {
      return;
    }
    if (!node.isObject()) {
      throw new ConfigException("config file " + file + " must hold a mapping of keys, not a " + node.getNodeType().toString().toLowerCase());
    }
    merge(tree, (ObjectNode) node, QedConfig.class, "", "config file " + file);
  }

  /** @param origin what to name as the place of the setting when it is wrong */
  private void applyOverride(String override, String origin) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException("--set expects key=value, got '" + override + "'");
    }
    String key = override.substring(0, eq).trim();
    String text = override.substring(eq + 1);
    JsonNode value;
    try {
      value = text.isEmpty() ? JsonNodeFactory.instance.textNode("") : Yaml.MAPPER.readTree(text);
    } catch (IOException e) {
      value = JsonNodeFactory.instance.textNode(text);
    }
    ObjectNode nested = nest(Arrays.asList(key.split("\\.")), QedConfig.class, "", value);
    merge(tree, nested, QedConfig.class, "", origin);
  }

  /**
   * Turns a dotted key into nested objects. Inside a map of sections (such as {@code llm.roles})
   * the next segment is the entry's name and the rest are keys of the section; inside any other
   * map the rest is one key.
   */
  private static ObjectNode nest(List<String> segments, Type type, String prefix, JsonNode value) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    if (sectionsOf(type) != null && segments.size() > 1) {
      String entry = segments.get(0);
      node.set(entry, nest(segments.subList(1, segments.size()), sectionsOf(type), prefix + entry + ".", value));
      return node;
    }
    if (isMap(type)) {
      node.set(String.join(".", segments), value);
      return node;
    }
    String head = segments.get(0);
    RecordComponent component = component((Class<?>) type, head, prefix);
    String path = prefix + head;
    if (segments.size() == 1) {
      node.set(head, value);
    } else if (isSection(component.getGenericType())) {
      node.set(head, nest(segments.subList(1, segments.size()), component.getGenericType(), path + ".", value));
    } else {
      throw new ConfigException("'" + path + "' is a single value; it has no key '" + String.join(".", segments.subList(1, segments.size())) + "'");
    }
    return node;
  }

  private void merge(ObjectNode target, ObjectNode overlay, Type type, String prefix, String origin) {
    Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey();
      String path = prefix + key;
      JsonNode value = field.getValue();
      origins.put(path, origin);
      Class<?> section = sectionsOf(type);
      if (section != null && value.isObject()) {
        JsonNode existing = target.get(key);
        ObjectNode child = existing instanceof ObjectNode o ? o : target.putObject(key);
        merge(child, (ObjectNode) value, section, path + ".", origin);
        continue;
      }
      if (isMap(type)) {
        target.set(key, value);
        continue;
      }
      RecordComponent component = component((Class<?>) type, key, prefix);
      Type childType = component.getGenericType();
      if (isSection(childType) && value.isObject()) {
        JsonNode existing = target.get(key);
        ObjectNode child = existing instanceof ObjectNode o ? o : target.putObject(key);
        merge(child, (ObjectNode) value, childType, path + ".", origin);
      } else if (isSection(childType) && !value.isNull()) {
        throw new ConfigException("'" + path + "' (" + origin + ") is a section and needs a mapping of keys, not '" + value.asText() + "'");
      } else {
        target.set(key, value);
      }
    }
  }

  private QedConfig bind() {
    try {
      return Yaml.MAPPER.treeToValue(withRolesResolved(tree), QedConfig.class);
    } catch (ValueInstantiationException e) {
      String path = pathOf(e);
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new ConfigException("bad value in '" + path + "'" + originOf(path) + ": " + cause.getMessage(), e);
    } catch (InvalidFormatException e) {
      String path = pathOf(e);
      throw new ConfigException("bad value for '" + path + "'" + originOf(path) + ": '" + e.getValue() + "' is not " + describe(e.getTargetType()), e);
    } catch (JsonMappingException e) {
      String path = pathOf(e);
      throw new ConfigException("bad value for '" + path + "'" + originOf(path) + ": expected " + describe(e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m ? m.getTargetType() : null) + " (" + firstLine(e.getOriginalMessage()) + ")", e);
    } catch (IOException e) {
      throw new ConfigException("cannot bind configuration: " + e.getMessage(), e);
    }
  }

  /**
   * Each role under {@code llm.roles} holds only the keys it sets; here it gets every other key
   * from {@code llm}, so a role is a whole {@code llm} section that differs where it says so.
   */
  private static ObjectNode withRolesResolved(ObjectNode tree) {
    ObjectNode resolved = tree.deepCopy();
    ObjectNode llm = (ObjectNode) resolved.get("llm");
    JsonNode roles = llm.get("roles");
    if (!(roles instanceof ObjectNode declared) || declared.isEmpty()) {
      return resolved;
    }
    ObjectNode base = llm.deepCopy();
    base.putObject("roles");
    ObjectNode full = JsonNodeFactory.instance.objectNode();
    declared.fields().forEachRemaining(role -> {
      ObjectNode merged = base.deepCopy();
      if (role.getValue() instanceof ObjectNode overlay) {
        deepMerge(merged, overlay);
      }
      merged.putObject("roles");
      full.set(role.getKey(), merged);
    });
    llm.set("roles", full);
    return resolved;
  }

  private static void deepMerge(ObjectNode target, ObjectNode overlay) {
    overlay.fields().forEachRemaining(field -> {
      JsonNode existing = target.get(field.getKey());
      if (existing instanceof ObjectNode child && field.getValue() instanceof ObjectNode nested
          && !field.getKey().equals("headers") && !field.getKey().equals("extra-body") && !field.getKey().equals("prices")) {
        deepMerge(child, nested);
      } else {
        target.set(field.getKey(), field.getValue());
      }
    });
  }

  private String originOf(String path) {
    for (String p = path; !p.isEmpty(); p = p.contains(".") ? p.substring(0, p.lastIndexOf('.')) : "") {
      if (origins.containsKey(p)) {
        return " (from " + origins.get(p) + ")";
      }
    }
    return " (default)";
  }

  private static String pathOf(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
        .collect(Collectors.joining("."));
  }

  private static String describe(Class<?> type) {
    if (type == null) return "a value of another type";
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) return "an integer";
    if (type == double.class || type == Double.class) return "a number";
    if (type == boolean.class || type == Boolean.class) return "true or false";
    if (type == String.class) return "a text value";
    if (type.isRecord() || Map.class.isAssignableFrom(type)) return "a mapping of keys";
    return "a " + type.getSimpleName();
  }

  private static RecordComponent component(Class<?> section, String key, String prefix) {
    for (RecordComponent c : section.getRecordComponents()) {
      if (Yaml.keyOf(c).equals(key)) {
        return c;
      }
    }
    List<String> valid = new ArrayList<>();
    for (RecordComponent c : section.getRecordComponents()) {
      valid.add(Yaml.keyOf(c));
    }
    String where = prefix.isEmpty() ? "at the top level" : "under '" + prefix.substring(0, prefix.length() - 1) + "'";
    String guess = Suggestions.closest(key, valid).map(s -> "; did you mean '" + prefix + s + "'?").orElse("");
    throw new ConfigException("unknown configuration key '" + prefix + key + "'" + guess + " Valid keys " + where + ": " + String.join(", ", valid));
  }

  /** The record type of a map's values when they are sections ({@code Map<String, SomeRecord>}), else null. */
  private static Class<?> sectionsOf(Type type) {
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw && Map.class.isAssignableFrom(raw)
        && p.getActualTypeArguments()[1] instanceof Class<?> value && value.isRecord()) {
      return value;
    }
    return null;
  }

  private static boolean isSection(Type type) {
    return isMap(type) || (type instanceof Class<?> c && c.isRecord());
  }

  private static boolean isMap(Type type) {
    Type raw = type instanceof ParameterizedType p ? p.getRawType() : type;
    return raw instanceof Class<?> c && Map.class.isAssignableFrom(c);
  }

  private static String firstLine(String message) {
    if (message == null) return "";
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
