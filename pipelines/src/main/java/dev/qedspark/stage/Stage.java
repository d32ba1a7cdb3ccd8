package dev.qedspark.stage;

import dev.qedspark.io.DatasetReader;
import dev.qedspark.io.DatasetSettings;
import dev.qedspark.io.DatasetWriter;
import dev.qedspark.io.Fingerprint;
import dev.qedspark.io.Manifest;
import dev.qedspark.io.Run;
import dev.qedspark.spark.SparkJobs;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The shape every stage has: inputs and settings in, one output folder written as one
 * {@link Run}, a result record out.
 *
 * <p>A subclass says what it is ({@link #name}), what it writes ({@link #outputs}), what its
 * outputs depend on ({@link #inputs}, {@link #settings}, {@link #prompts}) and how it writes them
 * ({@link #run}). The base turns that into {@link #execute()} (every output committed together,
 * with the fingerprint in the run manifest and in each dataset's manifest) and
 * {@link #staleness()} (why the stage must run again, or null when its outputs are up to date),
 * which the chain runner uses to skip steps.
 *
 * @param <S> the stage's own type, so that the shared setters chain
 * @param <R> the result record of {@link #execute()}: counts, paths, timings
 */
public abstract class Stage<S extends Stage<S, R>, R extends StageResult> {
  protected final SparkSession spark;
  protected DatasetSettings datasets = DatasetSettings.DEFAULTS;
  protected String out;
  private String step;
  private final Map<String, Double> jobSeconds = new java.util.LinkedHashMap<>();
  private Fingerprint fingerprint;

  protected Stage(SparkSession spark) {
    this.spark = Objects.requireNonNull(spark);
  }

  /** The output folder. */
  public S into(String out) {
    this.out = out;
    return self();
  }

  /** How datasets are written (shards, codec) and read (checksums verified or not): the {@code datasets.*} settings. */
  public S datasets(DatasetSettings datasets) {
    this.datasets = datasets;
    return self();
  }

  /** The output folder, as given to {@link #into}. */
  public String out() {
    return out;
  }

  /** What the stage is ({@code ingest}, {@code grade}, ...): the step it runs as unless {@link #named} says otherwise. */
  public abstract String name();

  /**
   * The step this stage runs as: the name its run is recorded under (so the up-to-date check
   * compares like with like), and that its Spark jobs and log lines carry. A chain names each
   * stage after its step (the demo's {@code benchmark} step runs the ingest stage).
   */
  public S named(String step) {
    this.step = step;
    return self();
  }

  /** The step's name: {@link #named}, else {@link #name}. */
  public final String step() {
    return step != null ? step : name();
  }

  /** The entries this stage writes in its output folder: datasets and files. */
  public abstract List<String> outputs();

  /**
   * Paths of the datasets and files the outputs are made from; null when some input rows were
   * given in memory, in which case the stage is never up to date.
   */
  protected abstract List<String> inputs();

  /** The settings the outputs depend on (records, maps, values); their hash is recorded. */
  protected abstract Object settings();

  /**
   * Digests of inputs that are not files, by name (for example the content of the rows an LLM
   * stage asks about); recorded beside the inputs' digests.
   */
  protected Map<String, String> inputDigests() {
    return Map.of();
  }

  /** The prompt templates the stage sends, by name, as sha256 hashes. */
  protected Map<String, String> prompts() {
    return Map.of();
  }

  /** Writes the outputs into {@code run} ({@link Run#path}) and returns the result. */
  protected abstract R run(Run run);

  /** Runs the stage and commits all its outputs together. */
  public final R execute() {
    Objects.requireNonNull(out, "into(out) is required");
    Fingerprint current = fingerprint();
    try (Run run = Run.begin(spark, out, step(), outputs())) {
      R result = run(run);
      run.commit(current, isComplete(result), usedSettings());
      return result;
    }
  }

  /** Whether a run's outputs hold all the work; false makes the next up-to-date check say "run again". */
  protected boolean isComplete(R result) {
    return true;
  }

  /** Why the stage must run, or null when its committed outputs are up to date. */
  public final String staleness() {
    Objects.requireNonNull(out, "into(out) is required");
    if (inputs() == null) {
      return "its input rows were given in memory, so they cannot be compared with the last run's";
    }
    return Run.staleness(spark, out, step(), fingerprint(), outputs());
  }

  /** How this stage's outputs are made: its settings and prompts, and every run upstream of its inputs. */
  protected final dev.qedspark.io.Lineage lineage() {
    return dev.qedspark.io.Lineage.trace(spark.sparkContext().hadoopConfiguration(), step(), out(), fingerprint(), usedSettings(),
        dev.qedspark.io.BuildInfo.codeVersion());
  }

  /** The settings the stage's outputs depend on, as JSON: the stage's own and how datasets are written. */
  public final com.fasterxml.jackson.databind.JsonNode usedSettings() {
    return dev.qedspark.io.Manifest.JSON.valueToTree(used());
  }

  private Map<String, Object> used() {
    return Map.of("stage", settings(), "datasets", Map.of("shards", datasets.shards(), "compression", datasets.compression()));
  }

  /** The stage's fingerprint, computed once (it reads the inputs' manifests). */
  public final Fingerprint fingerprint() {
    if (fingerprint == null) {
      List<String> inputs = inputs();
      // How datasets are written is part of what a stage makes: shards and codec change the files.
      // Whether reads verify checksums changes nothing written, so turning it on leaves every step up to date.
      Fingerprint of = Fingerprint.of(used(), prompts(), inputs != null ? inputs : List.of(), spark.sparkContext().hadoopConfiguration());
      if (inputs == null) {
        of = of.withInput("in-memory rows", "unknown:" + java.util.UUID.randomUUID());
      }
      for (Map.Entry<String, String> digest : inputDigests().entrySet()) {
        of = of.withInput(digest.getKey(), digest.getValue());
      }
      fingerprint = of;
    }
    return fingerprint;
  }

  /**
   * Reads the dataset at {@code path} through its manifest, verifying every shard's checksum when
   * {@code datasets.verify-checksums} is on: every dataset a stage reads goes through here.
   */
  protected Dataset<Row> read(String path) {
    return DatasetReader.read(spark, path, datasets.verifyChecksums());
  }

  /** Writes {@code data} as the dataset output {@code name} of {@code run}, keyed by {@code keys}. */
  protected Manifest writeDataset(Run run, Dataset<Row> data, String name, String... keys) {
    return DatasetWriter.of(data).to(run.path(name)).named(name).keyedBy(keys).settings(datasets)
        .fingerprint(fingerprint()).execute();
  }

  /** Runs a Spark action with its jobs named after this stage, and times it ({@link #jobSeconds()}). */
  protected <T> T job(String description, Supplier<T> action) {
    long started = System.nanoTime();
    try {
      return SparkJobs.named(spark, step() + ": " + description, action);
    } finally {
      jobSeconds.merge(description, (System.nanoTime() - started) / 1e9, Double::sum);
    }
  }

  /** Wall seconds of each {@link #job} this stage ran, in the order they first ran. */
  protected Map<String, Double> jobSeconds() {
    Map<String, Double> rounded = new java.util.LinkedHashMap<>();
    jobSeconds.forEach((job, seconds) -> rounded.put(job, Math.round(seconds * 100) / 100.0));
    return rounded;
  }

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }
}
