package dev.qedspark.decontam;

import dev.qedspark.spark.SparkJobs;
import dev.qedspark.text.Shingles;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Finds corpus problems that overlap a benchmark: the benchmarks' n-gram hashes are broadcast
 * (benchmarks are small), and the corpus is streamed map-side against them, so the corpus is
 * never shuffled or collected.
 *
 * <p>Shared n-grams count only when they cover at least {@code min-overlap} of the shorter text's
 * n-grams: a copied statement shares most of them, while a stock phrase ("where m and n are
 * relatively prime positive integers. Find m + n") shares one or two of dozens.
 *
 * <p>With {@code embeddings} on, a second signal compares all-MiniLM-L6-v2 embeddings of the
 * problem texts ({@link EmbeddingMatches}); either signal over its threshold marks the problem.
 *
 * <p>Input rows need {@code problem_id}, {@code problem}, {@code normalized} and {@code tokens}; n-grams are taken over
 * the word tokens only (see {@link #words}). The result has one row
 * per contaminated problem: {@code problem_id, matched_id, shared_ngrams, ngram_overlap, cosine}:
 * the benchmark problem with the largest n-gram overlap, else the nearest by embedding.
 */
public final class Decontamination {
  public static final String CONTAMINATED = "contaminated";

  static final StructType MATCHES = new StructType()
      .add("problem_id", DataTypes.StringType, false)
      .add("matched_id", DataTypes.StringType, false)
      .add("shared_ngrams", DataTypes.IntegerType, true)
      .add("ngram_overlap", DataTypes.DoubleType, true);

  private final Dataset<Row> corpus;
  private final Dataset<Row> benchmarks;
  private DecontamSettings settings = DecontamSettings.DEFAULTS;

  private Decontamination(Dataset<Row> corpus, Dataset<Row> benchmarks) {
    this.corpus = corpus;
    this.benchmarks = benchmarks;
  }

  public static Decontamination of(Dataset<Row> corpus, Dataset<Row> benchmarks) {
    return new Decontamination(corpus, benchmarks);
  }

  public Decontamination settings(DecontamSettings settings) {
    this.settings = settings;
    return this;
  }

  public Dataset<Row> execute() {
    int n = settings.ngramSize();
    int minShared = settings.minSharedNgrams();
    Map<Long, String> owners = new HashMap<>();
    Map<String, Integer> sizes = new HashMap<>();
    for (Row row : SparkJobs.named(corpus.sparkSession(), "decontaminate: " + n + "-grams of the benchmarks",
        () -> benchmarks.select("problem_id", "tokens").collectAsList())) {
      long[] benchmarkGrams = Shingles.of(words(row.getList(1)), n);
      sizes.put(row.getString(0), benchmarkGrams.length);
      for (long gram : benchmarkGrams) {
        owners.merge(gram, row.getString(0), (a, b) -> a.compareTo(b) <= 0 ? a : b);
      }
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(corpus.sparkSession().sparkContext());
    Broadcast<Map<Long, String>> grams = jsc.broadcast(owners);
    Broadcast<Map<String, Integer>> gramCounts = jsc.broadcast(sizes);
    double minOverlap = settings.minOverlap();
    JavaRDD<Row> matches = corpus.select("problem_id", "tokens").javaRDD().flatMap(row -> {
      List<String> tokens = words(row.getList(1));
      if (tokens == null || tokens.size() < n) {
        return java.util.Collections.emptyIterator();
      }
      long[] corpusGrams = Shingles.of(tokens, n);
      Map<String, Integer> shared = new HashMap<>();
      for (long gram : corpusGrams) {
        String owner = grams.value().get(gram);
        if (owner != null) {
          shared.merge(owner, 1, Integer::sum);
        }
      }
      String best = null;
      double bestOverlap = -1;
      for (Map.Entry<String, Integer> e : new java.util.TreeMap<>(shared).entrySet()) {
        double overlap = e.getValue() / (double) Math.min(corpusGrams.length, gramCounts.value().get(e.getKey()));
        if (e.getValue() >= minShared && overlap >= minOverlap && overlap > bestOverlap) {
          best = e.getKey();
          bestOverlap = overlap;
        }
      }
      return best == null ? java.util.Collections.emptyIterator()
          : List.of(RowFactory.create(row.getString(0), best, shared.get(best), bestOverlap)).iterator();
    });
    Dataset<Row> byNgrams = corpus.sparkSession().createDataFrame(matches, MATCHES);
    if (!settings.embeddings()) {
      return byNgrams.withColumn("cosine", org.apache.spark.sql.functions.lit(null).cast("double"));
    }
    Dataset<Row> byEmbedding = corpus.select("problem_id", "normalized")
        .join(EmbeddingMatches.of(corpus, benchmarks, settings.cosineThreshold()), "normalized")
        .drop("normalized");
    return byNgrams.join(byEmbedding, "problem_id", "full_outer")
        .selectExpr("problem_id", "coalesce(matched_id, embedding_match) AS matched_id", "shared_ngrams", "ngram_overlap", "cosine");
  }

  /**
   * The tokens that carry words: words, numbers and LaTeX commands, without brackets and other
   * symbols, so that an n-gram spans n words of text rather than a few symbols of one formula.
   */
  static List<String> words(List<String> tokens) {
    return tokens == null ? List.of() : tokens.stream().filter(t -> t.chars().anyMatch(Character::isLetterOrDigit)).toList();
  }
}
