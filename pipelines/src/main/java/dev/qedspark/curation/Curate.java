package dev.qedspark.curation;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.qedspark.decontam.Decontamination;
import dev.qedspark.dedup.Dedup;
import dev.qedspark.ingest.Ingest;
import dev.qedspark.ingest.SourceSpec;
import dev.qedspark.ingest.InputFiles;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.io.Problem;
import dev.qedspark.io.Run;
import dev.qedspark.stage.Stage;
import dev.qedspark.text.MathNormalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Curates a {@code problems} dataset: normalizes the text, removes problems that overlap a
 * benchmark, then exact and near duplicates.
 *
 * <p>Benchmark rows ({@code benchmark = true}, plus any extra benchmark problems given) are the
 * reference set: they are not curated, not written to {@code curated}, and not "contaminated" by
 * themselves. Writes {@code OUT/curated} (problems), {@code OUT/removed} (each removed problem
 * with {@code reason}, {@code matched_id} and its evidence: {@code similarity} or
 * {@code shared_ngrams}) and {@code OUT/report.json}.
 */
public final class Curate extends Stage<Curate, CurateReport> {
  private static final Logger LOG = LoggerFactory.getLogger(Curate.class);
  public static final String CURATED = "curated";
  public static final String REMOVED = "removed";
  public static final String REPORT = "report.json";

  private final Dataset<Row> problems;
  private Dataset<Row> extraBenchmarks;
  private CurateSettings settings = CurateSettings.DEFAULTS;
  /** The datasets and files the rows came from; null when some were given in memory. */
  private List<String> inputPaths;

  private Curate(SparkSession spark, Dataset<Row> problems, List<String> inputPaths) {
    super(spark);
    this.problems = problems;
    this.inputPaths = inputPaths;
  }

  /** Curates rows given in memory (the {@link Problem} schema); such a run is never "up to date". */
  public static Curate of(SparkSession spark, Dataset<Row> problems) {
    return new Curate(spark, problems, null);
  }

  /** Curates the {@code problems} dataset at {@code path}. */
  public static Curate read(SparkSession spark, String path, boolean verifyChecksums) {
    return new Curate(spark, DatasetReader.read(spark, path, verifyChecksums), new ArrayList<>(List.of(path)));
  }

  /** More benchmark problems (the {@link Problem} schema) to decontaminate against. */
  public Curate benchmarks(Dataset<Row> benchmarks) {
    this.extraBenchmarks = extraBenchmarks == null ? benchmarks : extraBenchmarks.unionByName(benchmarks);
    this.inputPaths = null;
    return this;
  }

  /** Benchmark files (JSONL, JSON, CSV or Parquet with a problem column) to decontaminate against. */
  public Curate benchmarkFiles(List<String> files) {
    return files.isEmpty() ? this : benchmarksFrom(InputFiles.specs(files, null, true, Map.of()), files);
  }

  /**
   * Benchmark sources of a catalog (their declared columns), read as reference problems; their
   * files join the inputs, so a changed benchmark makes the curation stale.
   */
  public Curate benchmarkSources(List<SourceSpec> sources) {
    return sources.isEmpty() ? this
        : benchmarksFrom(sources, sources.stream().flatMap(source -> Ingest.files(spark, source).stream()).toList());
  }

  /** Benchmark problems read from files: they join the inputs, unlike problems given in memory. */
  private Curate benchmarksFrom(List<SourceSpec> sources, List<String> files) {
    List<String> paths = inputPaths;
    benchmarks(Ingest.problemsOf(spark, sources));
    if (paths != null) {
      paths.addAll(files);
    }
    this.inputPaths = paths;
    return this;
  }

  /** Whether the problems hold benchmark rows of their own ({@code benchmark = true}). */
  public boolean hasBenchmarkRows() {
    return job("look for benchmark rows", () -> !problems.filter(col("benchmark")).limit(1).isEmpty());
  }

  public Curate settings(CurateSettings settings) {
    this.settings = settings;
    return this;
  }

  @Override
  public String name() {
    return "curate";
  }

  @Override
  public List<String> outputs() {
    return List.of(CURATED, REMOVED, REPORT);
  }

  @Override
  protected List<String> inputs() {
    return inputPaths;
  }

  @Override
  protected Object settings() {
    return settings;
  }

  @Override
  protected CurateReport run(Run run) {
    long started = System.nanoTime();
    Dataset<Row> all = extraBenchmarks == null ? problems
        : problems.unionByName(extraBenchmarks.withColumn("benchmark", lit(true)));

    PipelineModel normalizer = job("fit the Spark NLP normalizer", () -> MathNormalizer.fit(all.limit(1), "problem"));
    Dataset<Row> normalized = MathNormalizer.apply(normalizer, all)
        .withColumn("has_reference", col("solution").isNotNull().or(col("rubric").isNotNull()))
        .withColumn("source_rank", sourceRank())
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      job("normalize (Spark NLP)", normalized::count);
      return curate(run, normalized, started);
    } finally {
      normalized.unpersist();
    }
  }

  private CurateReport curate(Run run, Dataset<Row> normalized, long started) {
    Dataset<Row> benchmarks = normalized.filter(col("benchmark"));
    Dataset<Row> corpus = normalized.filter(col("benchmark").equalTo(false));
    // timed whole: building the plan already embeds the benchmarks, on the driver
    Dataset<Row> contaminated = job("decontaminate against "
        + (settings.decontam().embeddings() ? "benchmark n-grams and embeddings" : "benchmark n-grams"), () -> {
          Dataset<Row> found = Decontamination.of(corpus, benchmarks).settings(settings.decontam()).execute()
              .withColumn("reason", lit(Decontamination.CONTAMINATED))
              .persist(StorageLevel.MEMORY_AND_DISK());
          found.count();
          return found;
        });
    Dataset<Row> clean = corpus.join(contaminated.select("problem_id"), "problem_id", "left_anti");
    String dedupStep = "dedup: exact duplicates, MinHash bands, near-duplicate clusters";
    // timed whole, as one step: the edges and connected components are computed while the plan is built
    try (Dedup.Result dedup = job(dedupStep, () -> Dedup.on(clean).settings(settings.dedup()).execute())) {
      Dataset<Row> removedInfo = contaminated.select(col("problem_id"), col("reason"), col("matched_id"),
              col("ngram_overlap").as("similarity"), col("shared_ngrams"), col("cosine"))
          .unionByName(dedup.removed().withColumn("shared_ngrams", lit(null).cast("int")).withColumn("cosine", lit(null).cast("double")))
          .persist(StorageLevel.MEMORY_AND_DISK());
      job(dedupStep, removedInfo::count);
      String[] problemColumns = Problem.SCHEMA.columnNames();
      Column[] problemCols = java.util.Arrays.stream(problemColumns).map(c -> col(c)).toArray(Column[]::new);
      Dataset<Row> curated = corpus.join(removedInfo.select("problem_id"), "problem_id", "left_anti").select(problemCols);
      Column[] removedCols = java.util.stream.Stream.concat(java.util.Arrays.stream(problemCols),
          java.util.stream.Stream.of(col("reason"), col("matched_id"), col("similarity"), col("shared_ngrams"), col("cosine"))).toArray(Column[]::new);
      Dataset<Row> removed = corpus.join(removedInfo, "problem_id").select(removedCols);

      long kept = job("write curated", () -> writeDataset(run, curated, CURATED, "problem_id")).rows();
      job("write removed", () -> writeDataset(run, removed, REMOVED, "problem_id"));

      Map<String, Long> byReason = new TreeMap<>();
      Map<String, Map<String, Long>> bySource = new TreeMap<>();
      for (Row r : job("count outcomes per source", () -> corpus.join(removedInfo, "problem_id", "left_outer")
          .groupBy(col("source"), coalesce(col("reason"), lit("kept")).as("outcome")).count().collectAsList())) {
        bySource.computeIfAbsent(r.getString(0), k -> new TreeMap<>()).put(r.getString(1), r.getLong(2));
        if (!r.getString(1).equals("kept")) {
          byReason.merge(r.getString(1), r.getLong(2), Long::sum);
        }
      }
      Map<Long, Long> sizes = new LinkedHashMap<>();
      for (Row r : job("count cluster sizes", () -> dedup.clusterSizes().collectAsList())) {
        sizes.put(r.getLong(0), r.getLong(1));
      }
      long benchmarkCount = job("count benchmarks", benchmarks::count);
      long input = benchmarkCount + bySource.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
      CurateReport report = new CurateReport(input, benchmarkCount, kept, byReason, bySource, sizes,
          settings.dedup(), settings.decontam(), run.finalPath(CURATED), run.finalPath(REMOVED), (System.nanoTime() - started) / 1e9,
          jobSeconds());
      run.writeJson(REPORT, report);
      LOG.info("curate: {} kept, removed {}", kept, byReason);
      removedInfo.unpersist();
      return report;
    } finally {
      contaminated.unpersist();
    }
  }

  /** 0, 1, ... for the configured sources in order; unlisted sources after them. */
  private Column sourceRank() {
    List<String> priority = settings.sourcePriority();
    Column rank = lit(priority.size());
    for (int i = priority.size() - 1; i >= 0; i--) {
      rank = when(col("source").equalTo(priority.get(i)), lit(i)).otherwise(rank);
    }
    return rank;
  }

}
