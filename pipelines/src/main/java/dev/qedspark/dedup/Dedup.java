package dev.qedspark.dedup;

import dev.qedspark.text.Shingles;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Exact and near-duplicate removal.
 *
 * <p>Input rows need {@code problem_id}, {@code normalized}, {@code tokens} and the preference
 * columns {@code has_reference} (boolean) and {@code source_rank} (int). Exact duplicates share
 * the sha256 of their normalized text. Near duplicates: MinHash signatures over word shingles
 * (and, with {@code canonical-variables} and {@code verify}, over shingles with variables renamed
 * by first occurrence, {@link CanonicalVariables}),
 * LSH banding, candidate pairs from band collisions between problems with the same numbers and
 * question words ({@link #QUESTION_WORDS}, counted with repeats), an exact Jaccard check against
 * the threshold, then connected components by iterative min-label propagation, all as Spark
 * joins (nothing is collected to the driver). Each group keeps one representative: a row with a
 * solution or rubric first, then the better-ranked source, then the smallest id.
 *
 * <p>The result lists the removed rows: {@code problem_id, reason, matched_id, similarity}.
 */
public final class Dedup {
  public static final String EXACT = "exact_duplicate";
  public static final String NEAR = "near_duplicate";

  private final Dataset<Row> rows;
  private DedupSettings settings = DedupSettings.DEFAULTS;

  private Dedup(Dataset<Row> rows) {
    this.rows = rows;
  }

  public static Dedup on(Dataset<Row> rows) {
    return new Dedup(rows);
  }

  public Dedup settings(DedupSettings settings) {
    this.settings = settings;
    return this;
  }

  /**
   * The rows to remove, and the sizes of the near-duplicate clusters found. Both are computed
   * lazily from cached signatures; close the result when done with them.
   */
  public record Result(Dataset<Row> removed, Dataset<Row> clusterSizes, Dataset<Row> signatures) implements AutoCloseable {
    @Override
    public void close() {
      signatures.unpersist();
    }
  }

  public Result execute() {
    SparkSession spark = rows.sparkSession();
    Column[] preference = {col("has_reference").desc(), col("source_rank").asc(), col("problem_id").asc()};

    WindowSpec byText = Window.partitionBy("text_hash").orderBy(preference);
    Dataset<Row> hashed = rows.withColumn("text_hash", sha2(col("normalized"), 256))
        .withColumn("text_rank", row_number().over(byText))
        .withColumn("text_keeper", first("problem_id").over(byText));
    Dataset<Row> exact = hashed.filter(col("text_rank").gt(1))
        .select(col("problem_id"), lit(EXACT).as("reason"), col("text_keeper").as("matched_id"), lit(1.0).as("similarity"));
    Dataset<Row> distinct = hashed.filter(col("text_rank").equalTo(1)).drop("text_hash", "text_rank", "text_keeper");

    Dataset<Row> shingled = signatures(distinct).cache();
    Dataset<Row> edges = verifiedEdges(shingled);
    Dataset<Row> components = ConnectedComponents.of(edges);

    WindowSpec byComponent = Window.partitionBy("component").orderBy(preference);
    Dataset<Row> ranked = components.join(distinct.select("problem_id", "has_reference", "source_rank"), "problem_id")
        .withColumn("component_rank", row_number().over(byComponent))
        .withColumn("keeper", first("problem_id").over(byComponent));
    Dataset<Row> near = withSimilarity(ranked.filter(col("component_rank").gt(1)).select("problem_id", "keeper"), shingled)
        .select(col("problem_id"), lit(NEAR).as("reason"), col("keeper").as("matched_id"), col("similarity"));
    Dataset<Row> sizes = components.groupBy("component").count().groupBy(col("count").as("cluster_size")).count()
        .withColumnRenamed("count", "clusters").orderBy("cluster_size");
    return new Result(exact.unionByName(near), sizes, shingled);
  }

  private Dataset<Row> signatures(Dataset<Row> distinct) {
    DedupSettings s = settings;
    StructType schema = new StructType()
        .add("problem_id", DataTypes.StringType, false)
        .add("shingles", DataTypes.createArrayType(DataTypes.LongType, false), false)
        .add("canonical", DataTypes.createArrayType(DataTypes.LongType, false), false)
        .add("bands", DataTypes.createArrayType(DataTypes.LongType, false), false)
        .add("specifics", DataTypes.StringType, false);
    JavaRDD<Row> rows = distinct.select("problem_id", "tokens").javaRDD().map(row -> {
      List<String> tokens = row.getList(1);
      long[] shingles = Shingles.of(tokens, s.shingleSize());
      // The canonical stream's band keys follow the plain ones: band b + bands, so buckets never mix streams.
      long[] canonical = s.canonicalVariables() ? Shingles.of(CanonicalVariables.of(tokens), s.shingleSize()) : new long[0];
      Long[] bands = new Long[s.bands() * (s.canonicalVariables() ? 2 : 1)];
      addBands(shingles, s, bands, 0);
      if (s.canonicalVariables()) {
        addBands(canonical, s, bands, s.bands());
      }
      return RowFactory.create(row.getString(0), boxed(shingles), boxed(canonical), bands, specifics(tokens));
    });
    return distinct.sparkSession().createDataFrame(rows, schema);
  }

  private static void addBands(long[] shingles, DedupSettings s, Long[] bands, int from) {
    long[] signature = MinHash.signature(shingles, s.bands() * s.rows());
    for (int b = 0; b < s.bands(); b++) {
      bands[from + b] = MinHash.bandKey(signature, b, s.rows());
    }
  }

  private static Long[] boxed(long[] values) {
    Long[] boxed = new Long[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return boxed;
  }

  /**
   * Pairs that share a band, checked by Jaccard. With {@code verify}, a bucket's problems are first
   * split by their numbers and question words (a 64-bit hash of {@link #specifics}), since only
   * problems that agree on them can be near duplicates: pairs that share a statement but not its
   * constants are never joined with their shingles. Each group gives all its pairs, or a star to
   * its smallest id when it holds more than {@code maxBucketPairs}.
   */
  private Dataset<Row> verifiedEdges(Dataset<Row> shingled) {
    DedupSettings s = settings;
    Column agreeOn = s.verify() ? xxhash64(col("specifics")) : lit(0L);
    Dataset<Row> buckets = shingled.select(col("problem_id"), posexplode(col("bands")).as(new String[] {"band", "key"}), agreeOn.as("agree_on"))
        .groupBy("band", "key").agg(sort_array(collect_set(struct("agree_on", "problem_id"))).as("members"))
        .filter("size(members) > 1");
    StructType pair = new StructType().add("a", DataTypes.StringType, false).add("b", DataTypes.StringType, false);
    JavaRDD<Row> pairs = buckets.select("members").javaRDD()
        .flatMap(row -> candidatePairs(row.<Row>getList(0), s.maxBucketPairs()).iterator());
    Dataset<Row> candidates = shingled.sparkSession().createDataFrame(pairs, pair).distinct();
    if (!s.verify()) {
      return candidates;
    }
    return withSimilarity(candidates.withColumnRenamed("a", "problem_id").withColumnRenamed("b", "keeper"), shingled)
        .filter(col("similarity").geq(s.threshold()))
        .select(col("problem_id").as("a"), col("keeper").as("b"));
  }

  /**
   * The pairs (a, b) of one bucket's {@code members}, rows of (agree_on, problem_id) sorted: within
   * each run of one agree_on, all pairs, or a star from its smallest id when the run holds more
   * than {@code maxPairs} problems.
   */
  static List<Row> candidatePairs(List<Row> members, int maxPairs) {
    List<Row> out = new ArrayList<>();
    for (int from = 0, to = 1; from < members.size(); from = to, to = from + 1) {
      while (to < members.size() && members.get(to).getLong(0) == members.get(from).getLong(0)) {
        to++;
      }
      addPairs(members.subList(from, to), maxPairs, out);
    }
    return out;
  }

  private static void addPairs(List<Row> group, int maxPairs, List<Row> out) {
    if (group.size() <= maxPairs) {
      for (int i = 0; i < group.size(); i++) {
        for (int j = i + 1; j < group.size(); j++) {
          out.add(RowFactory.create(group.get(i).getString(1), group.get(j).getString(1)));
        }
      }
    } else {
      for (int j = 1; j < group.size(); j++) {
        out.add(RowFactory.create(group.get(0).getString(1), group.get(j).getString(1)));
      }
    }
  }

  /**
   * Words that change which question is asked: extremes, quantifiers, parities, signs, negation.
   * "Find the largest n" and "find the smallest n" share almost every shingle but are different
   * problems.
   */
  static final java.util.Set<String> QUESTION_WORDS = java.util.Set.of(
      "largest", "smallest", "greatest", "least", "maximum", "minimum", "maximal", "minimal", "max", "min",
      "most", "fewest", "more", "less", "all", "some", "every", "no", "none", "exists", "exist", "infinitely",
      "finitely", "infinite", "finite", "odd", "even", "positive", "negative", "nonnegative", "nonpositive",
      "increasing", "decreasing", "only", "not", "necessary", "sufficient", "unique", "distinct");

  /**
   * The numbers and question words of a text, as a sorted multiset (so reordered sentences keep
   * it). Near duplicates must have the same one: problems that differ only in their constants, or
   * in the question asked, are different problems, however similar the rest of their words.
   * Buckets compare it by its 64-bit hash: two different multisets with one hash would also need
   * a Jaccard similarity over the threshold to merge, odds far below one in a billion per run.
   */
  static String specifics(List<String> tokens) {
    return tokens.stream()
        .filter(t -> (!t.isEmpty() && Character.isDigit(t.charAt(0))) || QUESTION_WORDS.contains(t))
        .sorted()
        .collect(java.util.stream.Collectors.joining(" "));
  }

  /**
   * Adds the exact Jaccard similarity of {@code problem_id} and {@code keeper}: of their shingles,
   * or of their canonical-variable shingles when that is higher.
   */
  private static Dataset<Row> withSimilarity(Dataset<Row> pairs, Dataset<Row> shingled) {
    Dataset<Row> left = shingled.select(col("problem_id"), col("shingles").as("left_shingles"), col("canonical").as("left_canonical"));
    Dataset<Row> right = shingled.select(col("problem_id").as("keeper"), col("shingles").as("right_shingles"),
        col("canonical").as("right_canonical"));
    org.apache.spark.sql.api.java.UDF4<scala.collection.Seq<Long>, scala.collection.Seq<Long>, scala.collection.Seq<Long>,
        scala.collection.Seq<Long>, Double> jaccard = (a, b, ca, cb) -> {
          double plain = MinHash.jaccard(toArray(a), toArray(b));
          return ca.isEmpty() || cb.isEmpty() ? plain : Math.max(plain, MinHash.jaccard(toArray(ca), toArray(cb)));
        };
    return pairs.join(left, "problem_id").join(right, "keeper")
        .withColumn("similarity", org.apache.spark.sql.functions.udf(jaccard, DataTypes.DoubleType)
            .apply(col("left_shingles"), col("right_shingles"), col("left_canonical"), col("right_canonical")))
        .drop("left_shingles", "right_shingles", "left_canonical", "right_canonical");
  }

  private static long[] toArray(scala.collection.Seq<Long> values) {
    long[] out = new long[values.size()];
    List<Long> list = scala.collection.JavaConverters.seqAsJavaList(values);
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }
}
