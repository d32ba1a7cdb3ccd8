package dev.qedspark.bench;

import static org.apache.spark.sql.functions.col;

import dev.qedspark.curation.Curate;
import dev.qedspark.curation.CurateReport;
import dev.qedspark.curation.CurateSettings;
import dev.qedspark.decontam.DecontamSettings;
import dev.qedspark.dedup.DedupSettings;
import dev.qedspark.text.MathNormalizer;
import dev.qedspark.train.ShardSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/** Runs the benchmark sections at one {@link BenchScale} and hands each figure on as it is measured. */
public final class Benchmarks {
  static final String SECTION_NORMALIZE = "normalization";
  private static final String[] CORPUS_COLUMNS = {"problem_id", "problem", "normalized", "tokens", "original_id", "kind"};

  private final SparkSession spark;
  private final BenchScale scale;
  private final Path scratch;
  private final Consumer<Measurement> sink;
  private final List<Measurement> measured = new ArrayList<>();

  /** @param scratch a folder for the datasets the benchmarks write (emptied by the caller) */
  public Benchmarks(SparkSession spark, BenchScale scale, Path scratch, Consumer<Measurement> sink) {
    this.spark = spark;
    this.scale = scale;
    this.scratch = scratch;
    this.sink = sink;
  }

  /** The LLM runner against a loopback server with fixed slots and delay. */
  public void llmRunner() throws Exception {
    record(RunnerBench.run(spark, scale.requests, scratch.resolve("runner")));
  }

  /** Tokenize-and-pack with {@code shards}' tokenizer. */
  public void tokenizeAndPack(ShardSettings shards) throws Exception {
    record(TokenizeBench.run(spark, shards, scale.conversations, scratch.resolve("tokenize")));
  }

  /** The demo in a fresh JVM started by {@code command}. */
  public void demo(List<String> command) throws Exception {
    DemoBench.run(command, scratch, 900).forEach(this::record);
  }

  private void record(Measurement m) {
    measured.add(m);
    sink.accept(m);
  }

  public List<Measurement> measured() {
    return List.copyOf(measured);
  }

  private int cores() {
    return spark.sparkContext().defaultParallelism();
  }

  /**
   * Curation's signals on the labelled corpus at each growth size: normalization, near-duplicate
   * search (beside MinHashLSH up to the baseline limit) and n-gram decontamination against
   * {@code benchmarkProblems}; then the embedding signal beside bare ONNX Runtime.
   *
   * @param benchmarkProblems benchmark problems ({@code problem_id}, {@code problem})
   */
  public void curation(Dataset<Row> benchmarkProblems, DedupSettings dedup, DecontamSettings decontam) throws Exception {
    if (dedup.shingleSize() <= LabelledCorpus.TAG_EVERY) {
      throw new IllegalArgumentException("the benchmark corpus keeps its generations apart only for shingles of more than "
          + LabelledCorpus.TAG_EVERY + " words; curate.dedup.shingle-size is " + dedup.shingleSize());
    }
    List<String> seeds = LabelledCorpus.seeds();
    PipelineModel normalizer = MathNormalizer.fit(LabelledCorpus.of(spark, seeds, 1, 1), "problem");
    Dataset<Row> benchmarks = MathNormalizer.apply(normalizer, benchmarkProblems.select("problem_id", "problem"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    DecontamBench decontamination = new DecontamBench(benchmarks, decontam, cores());
    try {
      warmUp(normalizer, seeds, dedup);
      for (int distinct : scale.growth) {
        Dataset<Row> corpus = normalized(normalizer, seeds, distinct);
        try {
          long started = System.nanoTime();
          DedupBench bench = new DedupBench(corpus, cores());
          double seconds = (System.nanoTime() - started) / 1e9;
          record(Measurement.of(SECTION_NORMALIZE, "normalize (Spark NLP)", bench.size(), bench.size() / seconds / cores(), "problems/s/core",
              String.format("%.1f s", seconds)));
          Measurement ours = bench.ours(dedup);
          Measurement dedupLine;
          if (distinct <= scale.baselineLimit) {
            Measurement baseline = bench.minHashLsh(dedup);
            dedupLine = ours.against(baseline.what(), baseline.value()).withNote("baseline: " + baseline.note());
          } else {
            dedupLine = ours.withNote("baseline not run above " + scale.baselineLimit + " problems");
          }
          record(dedupLine);
          record(decontamination.ngrams(corpus, bench.size()));
          Double baselineSeconds = distinct <= scale.baselineLimit ? seconds + bench.size() / dedupLine.baselineValue() / cores() : null;
          record(curateStage(corpus, bench.size(), dedup, decontam, baselineSeconds));
          if (distinct == scale.growth.get(0)) {
            Dataset<Row> some = corpus.limit(scale.embeddingTexts).persist(StorageLevel.MEMORY_AND_DISK());
            try {
              record(decontamination.embeddings(some));
            } finally {
              some.unpersist();
            }
          }
        } finally {
          corpus.unpersist();
        }
      }
    } finally {
      benchmarks.unpersist();
    }
  }

  /**
   * The whole curate stage (normalize, decontaminate by n-grams against nothing, dedup, write
   * both datasets, count) on the corpus as a problems dataset, beside normalizing plus MinHashLSH
   * where that baseline ran ({@code baselineSeconds} null where it did not).
   */
  private Measurement curateStage(Dataset<Row> corpus, long size, DedupSettings dedup, DecontamSettings decontam, Double baselineSeconds) {
    Dataset<Row> problems = LabelledCorpus.asProblems(corpus).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      problems.count();
      CurateReport report = Curate.of(spark, problems).settings(new CurateSettings(dedup, decontam.withEmbeddings(false), List.of()))
          .into(scratch.resolve("curate-" + size).toString()).execute();
      StringBuilder steps = new StringBuilder();
      report.secondsByStep().forEach((step, seconds) -> steps.append(steps.length() == 0 ? "" : ", ").append(step).append(' ').append(seconds));
      Measurement stage = Measurement.of(DedupBench.SECTION, "./qed curate's stage (embeddings off)", size, size / report.seconds() / cores(),
          "problems/s/core", String.format("%.1f s: %s", report.seconds(), steps));
      return baselineSeconds == null ? stage.withNote("baseline not run above " + scale.baselineLimit + " problems")
          : stage.withNote(String.format("baseline %.1f s", baselineSeconds)).against("Spark NLP normalizer + MinHashLSH", size / baselineSeconds / cores());
    } finally {
      problems.unpersist();
    }
  }

  /** The labelled corpus, normalized and persisted, but not yet computed (the first count pays for normalizing). */
  private Dataset<Row> normalized(PipelineModel normalizer, List<String> seeds, int distinct) {
    return MathNormalizer.apply(normalizer, LabelledCorpus.of(spark, seeds, distinct, 4 * cores())).select(
        java.util.Arrays.stream(CORPUS_COLUMNS).map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new))
        .persist(StorageLevel.MEMORY_AND_DISK());
  }

  /** Near-duplicate search on a normalized labelled corpus of {@code distinct} problems (plus copies), computed. */
  DedupBench dedupBench(List<String> seeds, int distinct) {
    return new DedupBench(normalized(MathNormalizer.fit(LabelledCorpus.of(spark, seeds, 1, 1), "problem"), seeds, distinct), cores());
  }

  /** A small run of both near-duplicate methods first, so neither pays the JVM's and Spark's warm-up. */
  private void warmUp(PipelineModel normalizer, List<String> seeds, DedupSettings settings) {
    Dataset<Row> corpus = normalized(normalizer, seeds, 1_000);
    DedupBench bench = new DedupBench(corpus, cores());
    bench.ours(settings);
    bench.minHashLsh(settings);
    corpus.unpersist();
  }
}
