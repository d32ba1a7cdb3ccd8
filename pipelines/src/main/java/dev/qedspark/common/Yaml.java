package dev.qedspark.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.lang.reflect.RecordComponent;

/** The mappers for the project's own files: kebab-case YAML configuration, snake_case JSON. */
public final class Yaml {
  /** Configuration YAML: kebab-case keys, strict about unknown keys and nulls for numbers. */
  public static final YAMLMapper MAPPER = YAMLMapper.builder(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build())
      .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .serializationInclusion(JsonInclude.Include.ALWAYS)
      .build();

  private Yaml() {}

  /** The kebab-case key of a record component, as written in YAML. */
  public static String keyOf(RecordComponent component) {
    return ((PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.KEBAB_CASE).translate(component.getName());
  }
}
