package dev.qedspark.pipeline;

import dev.qedspark.common.ProjectPaths;
import dev.qedspark.config.QedConfig;
import dev.qedspark.curation.Curate;
import dev.qedspark.ingest.Ingest;
import dev.qedspark.ingest.SourceCatalog;
import dev.qedspark.ingest.SourceSpec;
import dev.qedspark.llm.Endpoints;
import dev.qedspark.llm.LlmMap;
import dev.qedspark.llm.OpenEndpoint;
import dev.qedspark.llm.batch.Infer;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The one way in to the pipeline's stages: made once per job from the Spark session and the
 * configuration, it resolves paths (the response cache, the engine's scratch folder) once, holds
 * the roles' endpoints open, and hands out stages with their settings applied.
 *
 * <pre>{@code
 * try (Stages stages = Stages.with(spark, config)) {
 *   IngestReport r = stages.ingest(sources).into("runs/x/ingest").execute();
 * }
 * }</pre>
 */
public final class Stages implements AutoCloseable {
  private final SparkSession spark;
  private final QedConfig config;
  private final Endpoints endpoints;

  private Stages(SparkSession spark, QedConfig config) {
    this.spark = spark;
    this.config = config;
    this.endpoints = new Endpoints(spark, config.llm(), Path.of(ProjectPaths.resolve(config.llm().cacheDir())).resolve("engine"));
  }

  public static Stages with(SparkSession spark, QedConfig config) {
    return new Stages(spark, config);
  }

  public SparkSession spark() {
    return spark;
  }

  /** The sources of the catalog named by {@code ingest.sources}. */
  public List<SourceSpec> catalog() {
    return SourceCatalog.load(spark.sparkContext().hadoopConfiguration(), ProjectPaths.resolve(config.ingest().sources()));
  }

  public Ingest ingest(List<SourceSpec> sources) {
    return Ingest.of(spark, sources).datasets(config.datasets());
  }

  /** Curates the problems dataset at {@code problems}, against its benchmark rows and {@code benchmarkFiles}. */
  public Curate curate(String problems, List<String> benchmarkFiles) {
    return Curate.read(spark, problems, config.datasets().verifyChecksums()).benchmarkFiles(benchmarkFiles)
        .settings(config.curate()).datasets(config.datasets());
  }

  /** An LLM map over {@code rows} answered by {@code role} ({@code llm.roles.ROLE}, else {@code llm.*}). */
  public LlmMap llm(String role, Dataset<Row> rows) {
    return LlmMap.over(rows).role(role, endpoints.settings(role), endpoints.of(role)).cacheDir(cacheDir(role))
        .datasets(config.datasets());
  }

  /** A role's response cache: its own {@code cache-dir} when it sets one. */
  private String cacheDir(String role) {
    return ProjectPaths.resolve(endpoints.settings(role).cacheDir());
  }

  /** A Batch API file answered by {@code role}. */
  public Infer infer(String file, String role) {
    return Infer.of(spark, file).role(role, endpoints.settings(role), endpoints.of(role)).cacheDir(cacheDir(role))
        .datasets(config.datasets());
  }

  /** The endpoint of a role, as the stages use it. */
  public OpenEndpoint endpoint(String role) {
    return endpoints.of(role);
  }

  @Override
  public void close() {
    endpoints.close();
  }
}
