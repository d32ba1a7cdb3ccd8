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
 * then each {@code --conf FILE} in order, then each {@code --set key=value}. Keys are checked
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
    ConfigLoader loader = new ConfigLoader();
    for (Path file : files) {
      loader.applyFile(file);
    }
    for (String override : overrides) {
      loader.applyOverride(override);
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

  private void applyOverride(String override) {
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
    merge(tree, nested, QedConfig.class, "", "--set " + override);
  }

  /** Turns a dotted key into nested objects; inside a map section the rest is one key. */
  private static ObjectNode nest(List<String> segments, Type type, String prefix, JsonNode value) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
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
      return Yaml.MAPPER.treeToValue(tree, QedConfig.class);
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
