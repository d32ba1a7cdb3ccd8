package dev.qedspark.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.qedspark.dedup.Dedup;
import dev.qedspark.dedup.DedupSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.MinHashLSH;
import org.apache.spark.ml.feature.MinHashLSHModel;
import org.apache.spark.ml.feature.NGram;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Near-duplicate search on a {@link LabelledCorpus}: {@link Dedup} beside Spark ML's
 * {@code MinHashLSH} self-join at the same Jaccard threshold, both on the same normalized tokens
 * (normalization is timed apart, since both need it). Recall is the share of planted copies put
 * with their original; a false merge is a pair put together that the corpus does not plant.
 */
public final class DedupBench {
  public static final String SECTION = "near-duplicates";
  /** Spark ML's hash tables in the baseline: OR over single MinHash values. */
  public static final int BASELINE_TABLES = 10;

  private final Dataset<Row> normalized;
  private final int cores;
  private final Map<String, String> groups = new HashMap<>();
  private final Map<String, String> kindOf = new HashMap<>();
  private final long size;

  /** @param normalized a labelled corpus run through the normalizer, persisted */
  public DedupBench(Dataset<Row> normalized, int cores) {
    this.normalized = normalized;
    this.cores = cores;
    this.size = normalized.count();
    for (Row r : normalized.filter(col("original_id").isNotNull()).select("problem_id", "original_id", "kind").collectAsList()) {
      groups.put(r.getString(0), r.getString(1));
      kindOf.put(r.getString(0), r.getString(2));
    }
  }

  public long size() {
    return size;
  }

  /** {@link Dedup} with {@code settings}: problems/s per core, recall by kind, false merges. */
  public Measurement ours(DedupSettings settings) {
    long started = System.nanoTime();
    Map<String, String> keeper = new HashMap<>();
    Dataset<Row> input = normalized.withColumn("has_reference", lit(false)).withColumn("source_rank", lit(0));
    double seconds;
    long collisions;
    long checked;
    try (Dedup.Result result = Dedup.on(input).settings(settings).execute()) {
      for (Row r : result.removed().select("problem_id", "matched_id").collectAsList()) {
        keeper.put(r.getString(0), r.getString(1));
      }
      seconds = (System.nanoTime() - started) / 1e9;
      // Not timed: they explain the time.
      collisions = bandCollisions(result.signatures(), false);
      checked = bandCollisions(result.signatures(), true);
    }
    List<String[]> merged = new ArrayList<>();
    keeper.forEach((id, kept) -> merged.add(new String[] {id, kept}));
    return measurement("dedup (MinHash bands + exact Jaccard)", seconds, found(copy -> root(keeper, copy).equals(root(keeper, groups.get(copy)))),
        falseMerges(merged), String.format("%d bands x %d rows, Jaccard >= %.2f; %,d band collisions (pairs sharing a band key, per band),"
            + " %,d of them with the same numbers and question words", settings.bands(), settings.rows(), settings.threshold(), collisions, checked));
  }

  /**
   * Pairs of problems that share a band key, counted once per band; {@code agreeing}: only those
   * that also agree on their numbers and question words, the pairs the exact check looks at
   * (before the star cap and de-duplication).
   */
  private static long bandCollisions(Dataset<Row> signatures, boolean agreeing) {
    Column[] bucket = agreeing ? new Column[] {col("band"), col("key"), col("specifics")} : new Column[] {col("band"), col("key")};
    Row total = signatures.selectExpr("posexplode(bands) AS (band, key)", "specifics").groupBy(bucket).count()
        .selectExpr("sum(count * (count - 1) DIV 2)").first();
    return total.isNullAt(0) ? 0 : total.getLong(0);
  }

  /** Spark ML's MinHashLSH over the same 5-word shingles (hashed into 2^20 features), self-joined at distance 1 - threshold. */
  public Measurement minHashLsh(DedupSettings settings) {
    long started = System.nanoTime();
    Dataset<Row> shingles = new NGram().setN(settings.shingleSize()).setInputCol("tokens").setOutputCol("shingles")
        .transform(normalized.filter("size(tokens) >= " + settings.shingleSize()));
    Dataset<Row> vectors = new HashingTF().setInputCol("shingles").setOutputCol("features").setBinary(true)
        .setNumFeatures(1 << 20).transform(shingles).select("problem_id", "features").persist(StorageLevel.MEMORY_AND_DISK());
    List<String[]> pairs = new ArrayList<>();
    try {
      MinHashLSHModel lsh = new MinHashLSH().setNumHashTables(BASELINE_TABLES).setInputCol("features").setOutputCol("hashes").setSeed(7)
          .fit(vectors);
      for (Row r : lsh.approxSimilarityJoin(vectors, vectors, 1 - settings.threshold(), "distance")
          .selectExpr("datasetA.problem_id AS a", "datasetB.problem_id AS b").filter("a < b").collectAsList()) {
        pairs.add(new String[] {r.getString(0), r.getString(1)});
      }
    } finally {
      vectors.unpersist();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    java.util.Set<String> joined = new java.util.HashSet<>();
    pairs.forEach(p -> joined.add(p[0] + " " + p[1]));
    return measurement("Spark ML MinHashLSH", seconds, found(copy -> {
      String original = groups.get(copy);
      return joined.contains(original + " " + copy) || joined.contains(copy + " " + original);
    }), falseMerges(pairs), BASELINE_TABLES + " hash tables, distance < " + String.format("%.2f", 1 - settings.threshold()));
  }

  private Measurement measurement(String what, double seconds, Map<String, double[]> foundByKind, long falseMerges, String settings) {
    double found = foundByKind.values().stream().mapToDouble(c -> c[0]).sum();
    double planted = foundByKind.values().stream().mapToDouble(c -> c[1]).sum();
    StringBuilder kinds = new StringBuilder();
    foundByKind.forEach((kind, c) -> kinds.append(String.format("%s%s %.0f/%.0f", kinds.length() == 0 ? "" : ", ", kind, c[0], c[1])));
    String note = String.format("%.1f s, recall %.3f (%s), %d false merges; %s", seconds, planted == 0 ? 1 : found / planted,
        kinds, falseMerges, settings);
    return Measurement.of(SECTION, what, size, size / seconds / cores, "problems/s/core", note);
  }

  /** Per kind: {found, planted}. */
  private Map<String, double[]> found(java.util.function.Predicate<String> isFound) {
    Map<String, double[]> byKind = new TreeMap<>();
    groups.keySet().forEach(copy -> {
      double[] counts = byKind.computeIfAbsent(kindOf.get(copy), k -> new double[2]);
      counts[1]++;
      if (isFound.test(copy)) {
        counts[0]++;
      }
    });
    return byKind;
  }

  /** Pairs whose two problems are neither a planted copy and its original nor two copies of one. */
  private long falseMerges(List<String[]> pairs) {
    return pairs.stream().filter(p -> !groups.getOrDefault(p[0], p[0]).equals(groups.getOrDefault(p[1], p[1]))).count();
  }

  private static String root(Map<String, String> keeper, String id) {
    String at = id;
    for (int hops = 0; keeper.containsKey(at) && hops < 8; hops++) {
      at = keeper.get(at);
    }
    return at;
  }
}
