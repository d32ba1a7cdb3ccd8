package dev.qedspark.llm;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qedspark.io.DatasetSettings;
import dev.qedspark.io.DatasetWriter;
import dev.qedspark.io.HadoopConf;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a DataFrame of {@link GenerationRequest}s into a {@code generations} dataset, one row per
 * request, through an OpenAI-compatible endpoint.
 *
 * <p>Requests whose response is in the cache are answered from it and not sent. The others are
 * sent with {@code llm.concurrency} in flight per partition; each response is cached as it
 * arrives, so a run that is killed and started again sends only what had not finished. Failed
 * requests become rows with status {@code error} and the reason; requests left when the budget
 * is reached become rows with status {@code not_sent}.
 *
 * <pre>{@code
 * GenerationReport r = GenerationRunner.of(spark, requests).endpoint(endpoint).settings(llm).into(out).execute();
 * }</pre>
 */
public final class GenerationRunner {
  private static final Logger LOG = LoggerFactory.getLogger(GenerationRunner.class);
  private static final String[] PREPARED_COLUMNS = PartitionSender.PreparedRequest.SCHEMA.columnNames();

  private final SparkSession spark;
  private final Dataset<Row> requests;
  private LlmSettings settings = LlmSettings.DEFAULTS;
  private Endpoint endpoint;
  private String cacheDir;
  private String out;
  private DatasetSettings datasets = DatasetSettings.DEFAULTS;
  private String configHash = "";
  private List<String> inputs = List.of();

  private GenerationRunner(SparkSession spark, Dataset<Row> requests) {
    this.spark = spark;
    this.requests = requests;
  }

  /** @param requests rows with the {@link GenerationRequest} schema */
  public static GenerationRunner of(SparkSession spark, Dataset<Row> requests) {
    return new GenerationRunner(spark, requests);
  }

  public GenerationRunner settings(LlmSettings settings) {
    this.settings = settings;
    return this;
  }

  public GenerationRunner endpoint(Endpoint endpoint) {
    this.endpoint = endpoint;
    return this;
  }

  /** The response cache folder; by default {@code llm.cache-dir}. */
  public GenerationRunner cacheDir(String cacheDir) {
    this.cacheDir = cacheDir;
    return this;
  }

  public GenerationRunner into(String out) {
    this.out = out;
    return this;
  }

  public GenerationRunner datasets(DatasetSettings datasets) {
    this.datasets = datasets;
    return this;
  }

  public GenerationRunner configHash(String configHash) {
    this.configHash = configHash;
    return this;
  }

  public GenerationRunner inputs(List<String> inputs) {
    this.inputs = List.copyOf(inputs);
    return this;
  }

  public GenerationReport execute() {
    Objects.requireNonNull(endpoint, "endpoint(...) is required");
    Objects.requireNonNull(out, "into(path) is required");
    long started = System.nanoTime();
    String runId = UUID.randomUUID().toString();
    ResponseCache cache = new ResponseCache(cacheDir != null ? cacheDir : settings.cacheDir(),
        new HadoopConf(spark.sparkContext().hadoopConfiguration()));

    spark.sparkContext().setJobDescription("generate: prepare requests and look them up in the response cache");
    Dataset<Row> prepared = prepare().persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> looked = prepared.join(cache.entries(spark).withColumnRenamed("cache_key", "hit_key"),
            prepared.col("cache_key").equalTo(col("hit_key")), "left_outer")
        .withColumn("hit", when(col("entry").isNotNull(), true).otherwise(false))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long total = looked.count();
      long hits = looked.filter(col("hit")).count();
      LOG.info("generate: {} requests, {} answered from the cache, {} to send to {} ({})",
          total, hits, total - hits, endpoint.model(), endpoint.baseUrl());

      Endpoint target = endpoint;
      LlmSettings s = settings;
      JavaRDD<Row> fromCache = looked.filter(col("hit")).select("entry", PREPARED_COLUMNS).javaRDD()
          .map(row -> Generation.SCHEMA.toRow(fromCacheEntry(row, target, s)));
      int partitions = Math.max(1, spark.sparkContext().defaultParallelism());
      int executors = spark.sparkContext().isLocal() ? 1 : Math.max(1, spark.sparkContext().getExecutorMemoryStatus().size() - 1);
      PartitionSender sender = new PartitionSender(runId, endpoint, settings.apiKey(), settings,
          new BudgetSettings(settings.budget().maxTokens() / executors, settings.budget().maxCost() / executors),
          settings.rateLimitPerSecond() / executors, cache);
      JavaRDD<Row> sent = looked.filter(col("hit").equalTo(false)).selectExpr(PREPARED_COLUMNS)
          .repartition(partitions).javaRDD().mapPartitions(sender);

      Dataset<Row> generations = spark.createDataFrame(fromCache.union(sent), Generation.SCHEMA.schema());
      spark.sparkContext().setJobDescription("generate: send " + (total - hits) + " requests to " + endpoint.model()
          + " and write generations");
      try (Progress progress = Progress.start(spark, RunLedger.of(runId, settings.budget(), settings.rateLimitPerSecond()),
          total, hits, settings.progressSeconds())) {
        DatasetWriter.of(generations).to(out).named("generations").keyedBy("request_id", "sample_index")
            .settings(datasets).configHash(configHash).inputs(inputs).execute();
      }
      return report(total, hits, started);
    } finally {
      looked.unpersist();
      prepared.unpersist();
      RunLedger.release(runId);
    }
  }

  /** Bodies and cache keys, computed once on the executors; a bad request becomes an error. */
  private Dataset<Row> prepare() {
    Endpoint target = endpoint;
    LlmSettings s = settings;
    JavaRDD<Row> rows = requests.javaRDD().map(row -> {
      GenerationRequest r = GenerationRequest.SCHEMA.fromRow(row);
      try {
        JsonNode body = RequestBodies.body(s, target.model(), r.messages(), r.sampleIndex(), r.body());
        String key = RequestBodies.cacheKey(target.identity(), body, r.sampleIndex());
        return PartitionSender.PreparedRequest.SCHEMA.toRow(new PartitionSender.PreparedRequest(
            r.requestId(), r.messages(), r.sampleIndex(), key, body.toString(), null));
      } catch (IllegalArgumentException e) {
        return PartitionSender.PreparedRequest.SCHEMA.toRow(new PartitionSender.PreparedRequest(
            r.requestId(), r.messages(), r.sampleIndex(), null, null, "bad request: " + e.getMessage()));
      }
    });
    return spark.createDataFrame(rows, PartitionSender.PreparedRequest.SCHEMA.schema());
  }

  private static Generation fromCacheEntry(Row row, Endpoint endpoint, LlmSettings settings) throws java.io.IOException {
    JsonNode entry = RequestBodies.JSON.readTree(row.getString(0));
    Row request = org.apache.spark.sql.RowFactory.create(java.util.stream.IntStream.range(1, row.length()).mapToObj(row::get).toArray());
    PartitionSender.PreparedRequest prepared = PartitionSender.PreparedRequest.SCHEMA.fromRow(request);
    return Generations.fromResponse(prepared, endpoint.model(), entry.path("response"), entry.path("latency_ms").asLong(),
        entry.path("attempts").asInt(), true, settings.prices());
  }

  private GenerationReport report(long total, long hits, long started) {
    Row sums = dev.qedspark.io.DatasetReader.read(spark, out).selectExpr(
        "count_if(NOT cached AND attempts > 0)",
        "count_if(status = 'ok')", "count_if(status = 'truncated')", "count_if(status = 'error')",
        "count_if(status = 'not_sent')",
        "coalesce(sum(CASE WHEN cached THEN 0 ELSE prompt_tokens END), 0)",
        "coalesce(sum(CASE WHEN cached THEN 0 ELSE completion_tokens END), 0)",
        "coalesce(sum(CASE WHEN cached THEN 0 ELSE cost END), 0)").first();
    return new GenerationReport(total, hits, sums.getLong(0), sums.getLong(1), sums.getLong(2), sums.getLong(3),
        sums.getLong(4), sums.getLong(5), sums.getLong(6), sums.getDouble(7), (System.nanoTime() - started) / 1e9, out);
  }
}
