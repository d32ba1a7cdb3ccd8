package dev.qedspark.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.qedspark.curation.CurateSettings;
import dev.qedspark.curation.FilterSettings;
import dev.qedspark.curation.RubricSettings;
import dev.qedspark.grading.GradingSettings;
import dev.qedspark.ingest.IngestSettings;
import dev.qedspark.io.DatasetSettings;
import dev.qedspark.eval.EvalSettings;
import dev.qedspark.rl.RlSettings;
import dev.qedspark.sft.SftSettings;
import dev.qedspark.train.ShardSettings;
import dev.qedspark.train.TrainSettings;
import dev.qedspark.llm.LlmSettings;
import dev.qedspark.spark.SparkSettings;
import java.util.Map;

/**
 * The whole configuration, one section per concern. Each section's record holds its keys,
 * defaults ({@code DEFAULTS}) and checks; {@link ConfigLoader} layers files and overrides on top.
 */
public record QedConfig(
    SparkSettings spark, DatasetSettings datasets, IngestSettings ingest, CurateSettings curate, LlmSettings llm,
    FilterSettings filter,
    RubricSettings rubrics,
    GradingSettings grading,
    RlSettings rl,
    SftSettings sft,
    EvalSettings eval,
    ShardSettings shards,
    TrainSettings train,
    @JsonPropertyDescription("prompt files that replace bundled prompts, by name: {grade-rubric: my/judge.md};"
        + " names: filter, proof, rubric, grade-rubric, grade-imo-proofbench, grade-proofbench") Map<String, String> prompts) {

  public static final QedConfig DEFAULTS = new QedConfig(SparkSettings.DEFAULTS, DatasetSettings.DEFAULTS,
      IngestSettings.DEFAULTS, CurateSettings.DEFAULTS, LlmSettings.DEFAULTS, FilterSettings.DEFAULTS, RubricSettings.DEFAULTS, GradingSettings.DEFAULTS, RlSettings.DEFAULTS,
      SftSettings.DEFAULTS,
      EvalSettings.DEFAULTS, ShardSettings.DEFAULTS, TrainSettings.DEFAULTS, Map.of());

  public QedConfig {
    prompts = prompts == null ? Map.of() : Map.copyOf(prompts);
  }
}
