package dev.qedspark.config;

import dev.qedspark.common.Yaml;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Ways to show a configuration: as YAML with secrets masked, and as the list of keys with their
 * defaults and meaning.
 */
public final class ConfigView {
  static final String MASK = "*****";
  /** A key is secret when one of its words (split at -, _ and .) is one of these, or it says "api key". */
  private static final Pattern SECRET_KEY = Pattern.compile(
      "(?i)(.*[-_.])?(secret|password|passwd|token|apikey|authorization|credentials?|api[-_.]key)([-_.].*)?");
  /** Keys that name where a secret lives (an environment variable or a file) are not secrets. */
  private static final Pattern SECRET_POINTER = Pattern.compile("(?i).*[-_.](env|file|path)$");

  private ConfigView() {}

  /** The configuration as YAML, with the values of secret-looking keys replaced by a mask. */
  public static String toYaml(QedConfig config) {
    try {
      return Yaml.MAPPER.writeValueAsString(masked(config));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static boolean isSecretKey(String key) {
    return SECRET_KEY.matcher(key).matches() && !SECRET_POINTER.matcher(key).matches();
  }

  /** One configuration key with its default value and description. */
  public record Key(String path, String defaultValue, String description) {}

  /** Every key of the configuration with its default, in declaration order. */
  public static List<Key> keys() {
    List<Key> keys = new ArrayList<>();
    collect(QedConfig.class, Yaml.MAPPER.valueToTree(QedConfig.DEFAULTS), "", keys);
    return keys;
  }

  private static void collect(Class<?> section, JsonNode defaults, String prefix, List<Key> out) {
    for (RecordComponent c : section.getRecordComponents()) {
      String key = Yaml.keyOf(c);
      JsonNode value = defaults.get(key);
      if (c.getType().isRecord()) {
        collect(c.getType(), value, prefix + key + ".", out);
      } else {
        JsonPropertyDescription description = c.getAccessor().getAnnotation(JsonPropertyDescription.class);
        out.add(new Key(prefix + key, value.isContainerNode() ? value.toString() : value.asText(),
            description == null ? "" : description.value()));
      }
    }
  }

  private static JsonNode masked(QedConfig config) {
    ObjectNode tree = Yaml.MAPPER.valueToTree(config);
    mask(tree);
    return tree;
  }

  private static void mask(ObjectNode node) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getValue() instanceof ObjectNode child) {
        mask(child);
      } else if (isSecretKey(field.getKey()) && !field.getValue().isNull() && !field.getValue().asText().isEmpty()) {
        node.put(field.getKey(), MASK);
      }
    }
  }
}
