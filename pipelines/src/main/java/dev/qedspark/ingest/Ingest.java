package dev.qedspark.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import dev.qedspark.io.DatasetWriter;
import dev.qedspark.io.Problem;
import dev.qedspark.io.Run;
import dev.qedspark.spark.SparkJobs;
import dev.qedspark.stage.Stage;
import dev.qedspark.io.QuarantinedRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads problem sources into the {@code problems} dataset.
 *
 * <p>Writes {@code OUT/problems} (the rows, {@link Problem}), {@code OUT/quarantine} (every
 * record that could not become a problem, with reason, file, line and raw text) and
 * {@code OUT/report.json} (counts per source and reason). A bad record never stops the job.
 * Problem ids must be unique: when two records of a source share one, the first by file and line
 * is kept and the others are quarantined as {@code duplicate_id}.
 *
 * <pre>{@code
 * IngestReport report = Ingest.of(spark, SourceCatalog.load(catalog)).into("runs/x").execute();
 * }</pre>
 */
public final class Ingest extends Stage<Ingest, IngestReport> {
  private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);
  public static final String PROBLEMS = "problems";
  public static final String QUARANTINE = "quarantine";
  public static final String REPORT = "report.json";

  private final List<SourceSpec> sources;
  private Map<SourceSpec, List<String>> filesBySource;
  private int maxTextChars = IngestSettings.DEFAULTS.maxTextChars();

  private Ingest(SparkSession spark, List<SourceSpec> sources) {
    super(spark);
    this.sources = List.copyOf(sources);
  }

  public static Ingest of(SparkSession spark, List<SourceSpec> sources) {
    return new Ingest(spark, sources);
  }

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public List<String> outputs() {
    return List.of(PROBLEMS, QUARANTINE, REPORT);
  }

  @Override
  protected List<String> inputs() {
    return listFiles().values().stream().flatMap(List::stream).toList();
  }

  @Override
  protected Object settings() {
    return Map.of("sources", sources, "max_text_chars", maxTextChars);
  }

  /** Records with a longer problem, solution, answer or rubric are quarantined as {@code too_long}. */
  public Ingest maxTextChars(int chars) {
    this.maxTextChars = chars;
    return this;
  }

  /** The files a source's path matches, as ingest would read them. */
  public static List<String> files(SparkSession spark, SourceSpec source) {
    return SourceReader.files(spark, source);
  }

  /**
   * The problems of some sources, read without writing anything: for small reference sets such
   * as extra benchmark files. Records that cannot be problems are counted in a warning.
   */
  public static Dataset<Row> problemsOf(SparkSession spark, List<SourceSpec> sources) {
    Ingest ingest = new Ingest(spark, sources);
    Dataset<Row> records = ingest.records(ingest.listFiles());
    List<Row> failures = SparkJobs.named(spark, "check benchmark files", () -> records.filter(col("reason").isNotNull())
        .groupBy("reason").agg(org.apache.spark.sql.functions.count("*"), org.apache.spark.sql.functions.first("file"),
            org.apache.spark.sql.functions.first("detail"))
        .orderBy("reason").collectAsList());
    long bad = 0;
    for (Row failure : failures) {
      if (List.of(IngestedRecord.INVALID_UTF8, IngestedRecord.UNREADABLE_FILE).contains(failure.getString(0))) {
        throw new IngestException("the benchmark file " + failure.getString(2) + " cannot be read (" + failure.getString(0) + ": "
            + failure.getString(3) + "); decontaminating without it would miss its problems: fix the file or leave it out");
      }
      bad += failure.getLong(1);
    }
    if (bad > 0) {
      LOG.warn("{} records of {} could not be read as problems and are left out; ingest them with ./qed ingest to see why",
          bad, sources.stream().map(SourceSpec::path).toList());
    }
    return records.filter(col("reason").isNull()).select("problem.*");
  }

  @Override
  protected IngestReport run(Run run) {
    long started = System.nanoTime();
    Map<SourceSpec, List<String>> files = listFiles();
    LOG.info("ingest: {} sources, {} files -> {}", sources.size(), inputs().size(), out);
    Dataset<Row> records = records(files).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> problems = records.filter(col("reason").isNull()).select("problem.*");
      Dataset<Row> quarantine = records.filter(col("reason").isNotNull())
          .selectExpr(QuarantinedRecord.SCHEMA.columnNames());
      long problemCount = writeDataset(run, problems, PROBLEMS, "problem_id").rows();
      long quarantineCount = DatasetWriter.of(quarantine).to(run.path(QUARANTINE)).named(QUARANTINE)
          .keyedBy("source", "file", "line").settings(datasets).shards(1).fingerprint(fingerprint()).execute().rows();
      Map<String, IngestReport.SourceCounts> bySource = countsBySource(records, files);
      Map<String, Long> reasons = new TreeMap<>();
      bySource.values().forEach(c -> c.reasons().forEach((reason, n) -> reasons.merge(reason, n, Long::sum)));
      IngestReport report = new IngestReport(problemCount, quarantineCount, bySource, reasons,
          run.finalPath(PROBLEMS), run.finalPath(QUARANTINE), (System.nanoTime() - started) / 1e9);
      run.writeJson(REPORT, report);
      LOG.info("ingest: {} problems, {} quarantined in {} s", problemCount, quarantineCount, Math.round(report.seconds()));
      return report;
    } finally {
      records.unpersist();
    }
  }

  /** Every record of the sources, as {@link IngestedRecord} rows, duplicate ids marked. */
  private Dataset<Row> records(Map<SourceSpec, List<String>> filesBySource) {
    List<JavaRDD<Row>> parts = new ArrayList<>();
    filesBySource.forEach((spec, files) -> parts.add(SourceReader.read(spark, spec, files, maxTextChars)));
    JavaRDD<Row> rows = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      rows = rows.union(parts.get(i));
    }
    return withDuplicateIdsQuarantined(spark.createDataFrame(rows, IngestedRecord.SCHEMA.schema()));
  }

  private Map<SourceSpec, List<String>> listFiles() {
    if (filesBySource != null) {
      return filesBySource;
    }
    if (sources.isEmpty()) {
      throw new IngestException("no sources to ingest");
    }
    Map<SourceSpec, List<String>> filesBySource = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (SourceSpec spec : sources) {
      List<String> files = SourceReader.files(spark, spec);
      if (files.isEmpty()) {
        missing.add(spec.name() + ": " + spec.path());
      }
      filesBySource.put(spec, files);
    }
    if (!missing.isEmpty()) {
      throw new IngestException("no input files found for " + String.join("; ", missing)
          + ". Check the paths (relative catalog paths are taken from the catalog's folder).");
    }
    this.filesBySource = filesBySource;
    return filesBySource;
  }

  /** Keeps the first record (by file, line) of each problem id; quarantines the others. */
  private static Dataset<Row> withDuplicateIdsQuarantined(Dataset<Row> records) {
    WindowSpec byId = Window.partitionBy(col("problem.problem_id")).orderBy(col("file"), col("line"));
    Dataset<Row> ranked = records
        .withColumn("rank", row_number().over(byId))
        .withColumn("kept_origin", first(col("problem.origin")).over(byId));
    var duplicate = col("problem").isNotNull().and(col("rank").gt(1));
    return ranked
        .withColumn("reason", when(duplicate, lit(IngestedRecord.DUPLICATE_ID)).otherwise(col("reason")))
        .withColumn("detail", when(duplicate, concat(lit("problem_id "), col("problem.problem_id"),
            lit(" is already used by the record at "), col("kept_origin"))).otherwise(col("detail")))
        .withColumn("problem", when(duplicate, lit(null)).otherwise(col("problem")))
        .drop("rank", "kept_origin");
  }

  private Map<String, IngestReport.SourceCounts> countsBySource(Dataset<Row> records, Map<SourceSpec, List<String>> filesBySource) {
    Map<String, Map<String, Long>> counts = new TreeMap<>();
    for (Row row : job("count rows per source and reason", () -> records.groupBy("source", "reason").count().collectAsList())) {
      counts.computeIfAbsent(row.getString(0), k -> new TreeMap<>())
          .put(row.isNullAt(1) ? "ok" : row.getString(1), row.getLong(2));
    }
    Map<String, IngestReport.SourceCounts> bySource = new LinkedHashMap<>();
    filesBySource.forEach((spec, files) -> {
      Map<String, Long> reasons = new TreeMap<>(counts.getOrDefault(spec.name(), Map.of()));
      long ok = reasons.getOrDefault("ok", 0L);
      reasons.remove("ok");
      long bad = reasons.values().stream().mapToLong(Long::longValue).sum();
      bySource.put(spec.name(), new IngestReport.SourceCounts(spec.benchmark(), files, ok, bad, reasons, spec.license()));
    });
    return bySource;
  }

}
