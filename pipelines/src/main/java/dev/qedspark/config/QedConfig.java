package dev.qedspark.config;

import dev.qedspark.curation.CurateSettings;
import dev.qedspark.ingest.IngestSettings;
import dev.qedspark.io.DatasetSettings;
import dev.qedspark.llm.LlmSettings;
import dev.qedspark.spark.SparkSettings;

/**
 * The whole configuration, one section per concern. Each section's record holds its keys,
 * defaults ({@code DEFAULTS}) and checks; {@link ConfigLoader} layers files and overrides on top.
 */
public record QedConfig(
    SparkSettings spark, DatasetSettings datasets, IngestSettings ingest, CurateSettings curate, LlmSettings llm) {

  public static final QedConfig DEFAULTS = new QedConfig(SparkSettings.DEFAULTS, DatasetSettings.DEFAULTS,
      IngestSettings.DEFAULTS, CurateSettings.DEFAULTS, LlmSettings.DEFAULTS);
}
