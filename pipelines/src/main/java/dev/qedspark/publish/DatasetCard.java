package dev.qedspark.publish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.io.Lineage;
import dev.qedspark.io.Manifest;
import dev.qedspark.io.Run;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The Hugging Face dataset card ({@code README.md}) of a published dataset folder such as
 * {@code OUT/sft}: YAML metadata whose {@code configs:} name each config and its files (so
 * {@code load_dataset(folder, "all")} reads that config alone and {@code load_dataset(folder)}
 * the default one), the licence from the sources' licences, and a body with each config's size,
 * the features, the sources with their licences and rows, the curation counts, the models with
 * their sampling, the prompt hashes, the project version and the run's fingerprint.
 */
public final class DatasetCard {
  public static final String FILE_NAME = "README.md";
  /** Licences the Hub knows by these ids (lower case); any other text makes the card's licence "other". */
  private static final List<String> HUB_LICENSES = List.of("apache-2.0", "mit", "cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0",
      "cc-by-nc-sa-4.0", "cc0-1.0", "bsd-2-clause", "bsd-3-clause", "odc-by", "odbl", "cdla-permissive-2.0");

  /**
   * One config of the dataset: an output dataset of the run.
   *
   * @param name the config's name ({@code default} is the one {@code load_dataset} reads when none is named)
   * @param folder the dataset's folder, relative to the card
   * @param description what its rows are
   */
  public record Config(String name, String folder, String description) {}

  /** What the card says about one config, read from its manifest and rows. */
  record ConfigFacts(Config config, long rows, long bytes, int files, StructType schema, Map<String, Long> rowsBySource) {}

  private DatasetCard() {}

  /** Writes {@code README.md} and {@code lineage.json} into {@code run}; the configs are outputs the run has written. */
  public static void write(SparkSession spark, Run run, String title, String summary, List<Config> configs, Lineage lineage) {
    List<ConfigFacts> facts = new ArrayList<>();
    for (Config config : configs) {
      String path = run.path(config.folder());
      Manifest manifest = DatasetReader.manifest(spark, path);
      Map<String, Long> bySource = new TreeMap<>();
      if (Arrays.asList(manifest.sparkSchema().fieldNames()).contains("source")) {
        for (Row r : DatasetReader.read(spark, path, false).groupBy("source").count().collectAsList()) {
          bySource.put(r.isNullAt(0) ? "(none)" : r.getString(0), r.getLong(1));
        }
      }
      facts.add(new ConfigFacts(config, manifest.rows(), manifest.files().stream().mapToLong(Manifest.ShardFile::bytes).sum(),
          manifest.files().size(), manifest.sparkSchema(), bySource));
    }
    run.writeText(FILE_NAME, render(title, summary, facts, lineage));
    run.writeJson(Lineage.FILE_NAME, lineage);
  }

  static String render(String title, String summary, List<ConfigFacts> configs, Lineage lineage) {
    Map<String, String> licenses = sourceLicenses(lineage);
    TreeSet<String> sources = new TreeSet<>();
    configs.forEach(c -> sources.addAll(c.rowsBySource().keySet()));
    StringBuilder card = new StringBuilder("---\n");
    card.append("license: ").append(license(sources, licenses)).append('\n');
    card.append("pretty_name: ").append(yamlString(title)).append('\n');
    card.append("language:\n- en\n");
    card.append("task_categories:\n- text-generation\n");
    card.append("tags:\n- math\n- olympiad\n- proofs\n- qed-spark\n");
    card.append("size_categories:\n- ").append(sizeCategory(configs.stream().mapToLong(ConfigFacts::rows).max().orElse(0))).append('\n');
    card.append("configs:\n");
    for (int i = 0; i < configs.size(); i++) {
      String name = configs.get(i).config().name();
      card.append("- config_name: ").append(name).append('\n');
      if (i == 0) {
        card.append("  default: true\n");
      }
      card.append("  data_files:\n  - split: train\n    path: ").append(configs.get(i).config().folder()).append("/*.parquet\n");
    }
    card.append("---\n\n# ").append(title).append("\n\n").append(summary).append("\n\n");

    card.append("## Configs\n\n| config | folder | rows | files | size | what the rows are |\n|---|---|---:|---:|---:|---|\n");
    for (ConfigFacts c : configs) {
      card.append("| `").append(c.config().name()).append("` | `").append(c.config().folder()).append("/` | ").append(String.format(Locale.ROOT, "%,d", c.rows())).append(" | ")
          .append(c.files()).append(" | ").append(size(c.bytes())).append(" | ").append(c.config().description()).append(" |\n");
    }
    card.append("\n```python\nfrom datasets import load_dataset\n\n")
        .append("rows = load_dataset(\"path/to/this/folder\", \"").append(configs.get(0).config().name()).append("\", split=\"train\")\n```\n\n");

    card.append("## Features\n\nEvery config has these columns, with the same types and nullability.\n\n| column | type |\n|---|---|\n");
    for (StructField f : configs.get(0).schema().fields()) {
      card.append("| `").append(f.name()).append("` | ").append(typeName(f.dataType())).append(" |\n");
    }

    card.append("\n## Sources and licences\n\n| source | licence |");
    configs.forEach(c -> card.append(" rows in `").append(c.config().name()).append("` |"));
    card.append("\n|---|---|").append("---:|".repeat(configs.size())).append('\n');
    for (String source : sources) {
      card.append("| ").append(source).append(" | ").append(licenses.getOrDefault(source, "not recorded")).append(" |");
      configs.forEach(c -> card.append(' ').append(c.rowsBySource().getOrDefault(source, 0L)).append(" |"));
      card.append('\n');
    }
    card.append("\nThe problems keep their sources' licences. The reasoning, proofs and grades were written by the models"
        + " below; their terms of use apply to that text.\n");

    card.append("\n## How it was made\n\n");
    curation(card, lineage);
    card.append("\n| step | code version | prompts (sha256) | models and sampling |\n|---|---|---|---|\n");
    for (Lineage.Step step : lineage.steps()) {
      String prompts = step.prompts().entrySet().stream().map(e -> "`" + e.getKey() + "` " + e.getValue().substring(0, 12))
          .collect(Collectors.joining("<br>"));
      String models = step.models().stream().map(m -> m.role() + ": `" + m.model() + "` " + sampling(m.sampling()))
          .collect(Collectors.joining("<br>"));
      card.append("| ").append(step.step()).append(" | ").append(step.codeVersion()).append(" | ").append(prompts.isEmpty() ? "-" : prompts)
          .append(" | ").append(models.isEmpty() ? "-" : models).append(" |\n");
    }
    card.append("\nFull prompt hashes, every step's models and report are in `").append(Lineage.FILE_NAME).append("`.\n");
    if (!lineage.unreadable().isEmpty()) {
      card.append("\nThe lineage stops at runs whose records could not be read: ").append(String.join("; ", lineage.unreadable())).append(".\n");
    }
    card.append("\n## Reproduce\n\n- written by qed-spark ").append(lineage.codeVersion()).append('\n')
        .append("- the run's fingerprint (settings, prompts and input digests): `").append(lineage.fingerprint()).append("`\n");
    return card.toString();
  }

  /** The curation counts, from the (last) curate step's report and the ingest steps' benchmark sources. */
  private static void curation(StringBuilder card, Lineage lineage) {
    List<Lineage.Step> curates = lineage.steps("curate");
    JsonNode report = curates.isEmpty() ? null : curates.get(curates.size() - 1).report();
    if (report == null) {
      card.append("The problems did not come from a curate run of qed-spark, so no duplicate or contamination counts are recorded.\n");
      return;
    }
    List<String> benchmarks = new ArrayList<>();
    ingestSources(lineage).forEach((name, source) -> {
      if (source.path("benchmark").asBoolean() && !benchmarks.contains(name)) {
        benchmarks.add(name);
      }
    });
    JsonNode removed = report.path("removed_by_reason");
    card.append(String.format(Locale.ROOT, "Curation read %,d problems and kept %,d: %,d exact duplicates, %,d near duplicates"
            + " (MinHash, Jaccard at least %s) and %,d problems contaminated by the benchmarks (%s; %d-gram overlap%s) were removed."
            + " The problems then went through the steps below.\n",
        report.path("input").asLong() - report.path("benchmarks").asLong(), report.path("curated").asLong(),
        removed.path("exact_duplicate").asLong(), removed.path("near_duplicate").asLong(), report.path("dedup").path("threshold").asText("?"),
        removed.path("contaminated").asLong(), benchmarks.isEmpty() ? "none named" : String.join(", ", benchmarks),
        report.path("decontam").path("ngram_size").asInt(), report.path("decontam").path("embeddings").asBoolean()
            ? " and embedding cosine at least " + report.path("decontam").path("cosine_threshold").asText() : ""));
  }

  /** Every source of every ingest step upstream, by name (a later step's entry wins). */
  private static Map<String, JsonNode> ingestSources(Lineage lineage) {
    Map<String, JsonNode> sources = new LinkedHashMap<>();
    for (Lineage.Step ingest : lineage.steps("ingest")) {
      if (ingest.report() != null) {
        for (Iterator<Map.Entry<String, JsonNode>> it = ingest.report().path("sources").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> source = it.next();
          sources.put(source.getKey(), source.getValue());
        }
      }
    }
    return sources;
  }

  /** Each source's licence as the ingest steps recorded it from the source catalog. */
  static Map<String, String> sourceLicenses(Lineage lineage) {
    Map<String, String> licenses = new LinkedHashMap<>();
    ingestSources(lineage).forEach((name, source) -> {
      if (source.path("license").isTextual()) {
        licenses.put(name, source.get("license").asText());
      }
    });
    return licenses;
  }

  /** The Hub's licence id when every source has the same known one; {@code other} when they differ or are free text; {@code unknown} without records. */
  static String license(java.util.Set<String> sources, Map<String, String> licenses) {
    TreeSet<String> distinct = new TreeSet<>();
    for (String source : sources) {
      String license = licenses.get(source);
      if (license == null) {
        return "unknown";
      }
      distinct.add(license.strip().toLowerCase(Locale.ROOT));
    }
    return distinct.size() == 1 && HUB_LICENSES.contains(distinct.first()) ? distinct.first() : distinct.isEmpty() ? "unknown" : "other";
  }

  static String sizeCategory(long rows) {
    String[] names = {"n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "10M<n<100M"};
    long limit = 1000;
    for (String name : names) {
      if (rows < limit) {
        return name;
      }
      limit *= 10;
    }
    return "n>100M";
  }

  /** A column type as the Hugging Face / Arrow reader sees it: string, int64, float64, list<...>, struct<...>. */
  static String typeName(DataType type) {
    if (type instanceof ArrayType a) {
      return "list<" + typeName(a.elementType()) + ">";
    }
    if (type instanceof StructType s) {
      return Arrays.stream(s.fields()).map(f -> f.name() + ": " + typeName(f.dataType())).collect(Collectors.joining(", ", "struct<", ">"));
    }
    if (type instanceof MapType m) {
      return "map<" + typeName(m.keyType()) + ", " + typeName(m.valueType()) + ">";
    }
    if (type.equals(DataTypes.LongType)) {
      return "int64";
    }
    if (type.equals(DataTypes.IntegerType)) {
      return "int32";
    }
    if (type.equals(DataTypes.DoubleType)) {
      return "float64";
    }
    if (type.equals(DataTypes.FloatType)) {
      return "float32";
    }
    if (type.equals(DataTypes.BooleanType)) {
      return "bool";
    }
    return type.simpleString();
  }

  private static String sampling(Map<String, JsonNode> sampling) {
    return sampling.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().asText()).collect(Collectors.joining(", ", "(", ")"));
  }

  private static String size(long bytes) {
    return bytes < 1 << 20 ? String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0) : String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
  }

  private static String yamlString(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
