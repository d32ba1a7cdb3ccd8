package dev.qedspark.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;

/**
 * Changes a few keys of a settings record by name, the way a configuration file would:
 * {@code SettingsRecords.with(LlmSettings.DEFAULTS, Map.of("concurrency", 4, "retry.max-attempts", 2))}.
 * Code and tests that need one setting changed say just that, and keep compiling when a key is
 * added to the record. The record's own checks run on the result.
 */
public final class SettingsRecords {
  private SettingsRecords() {}

  /**
   * @param changes kebab-case keys as in the YAML configuration, dotted for nested sections
   * @throws IllegalArgumentException naming the key when one is unknown or its value is bad
   */
  @SuppressWarnings("unchecked")
  public static <T extends Record> T with(T settings, Map<String, ?> changes) {
    ObjectNode tree = Yaml.MAPPER.valueToTree(settings);
    for (Map.Entry<String, ?> change : changes.entrySet()) {
      String[] path = change.getKey().split("\\.");
      ObjectNode parent = tree;
      for (int i = 0; i < path.length - 1; i++) {
        JsonNode child = parent.get(path[i]);
        if (!(child instanceof ObjectNode section)) {
          throw new IllegalArgumentException("no section '" + path[i] + "' in " + settings.getClass().getSimpleName());
        }
        parent = section;
      }
      String leaf = path[path.length - 1];
      if (!parent.has(leaf)) {
        throw new IllegalArgumentException("no key '" + change.getKey() + "' in " + settings.getClass().getSimpleName());
      }
      parent.set(leaf, Yaml.MAPPER.valueToTree(change.getValue()));
    }
    try {
      return (T) Yaml.MAPPER.treeToValue(tree, settings.getClass());
    } catch (IOException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException("bad settings " + changes + ": " + cause.getMessage(), e);
    }
  }
}
