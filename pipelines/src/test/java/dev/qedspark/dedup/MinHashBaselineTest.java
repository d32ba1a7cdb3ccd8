package dev.qedspark.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qedspark.spark.SparkTestBase;
import dev.qedspark.text.MathNormalizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.MinHashLSH;
import org.apache.spark.ml.feature.MinHashLSHModel;
import org.apache.spark.ml.feature.NGram;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Spark ML's MinHashLSH (no banding: one hash per table, OR over tables) as a baseline for the
 * banded {@link Dedup}: on the same shingles both find the same near-duplicate pairs.
 */
class MinHashBaselineTest extends SparkTestBase {
  @Test
  void bandedDedupFindsThePairsThatSparkMinHashLshFinds() throws Exception {
    List<Row> rows = new ArrayList<>();
    JsonNode putnam = new ObjectMapper().readTree(Files.readString(Path.of("../data/corpora/putnambench/putnam.json")));
    for (int i = 0; i < 120; i++) {
      String text = putnam.get(i).path("informal_statement").asText();
      rows.add(RowFactory.create("p" + i, text));
      if (i % 6 == 0) {
        rows.add(RowFactory.create("p" + i + "-near", text + " Justify your answer."));
      }
    }
    Dataset<Row> texts = spark.createDataFrame(rows, new StructType()
        .add("problem_id", DataTypes.StringType).add("problem", DataTypes.StringType));
    Dataset<Row> normalized = MathNormalizer.apply(MathNormalizer.fit(texts.limit(1), "problem"), texts)
        .withColumn("has_reference", org.apache.spark.sql.functions.lit(false))
        .withColumn("source_rank", org.apache.spark.sql.functions.lit(0))
        .cache();

    Set<String> ours = Dedup.on(normalized).execute().removed().filter("reason = 'near_duplicate'").collectAsList().stream()
        .map(r -> pair(r.getString(0), r.getString(2))).collect(Collectors.toCollection(TreeSet::new));

    Dataset<Row> shingles = new NGram().setN(5).setInputCol("tokens").setOutputCol("shingles").transform(normalized);
    Dataset<Row> vectors = new HashingTF().setInputCol("shingles").setOutputCol("features").setBinary(true)
        .setNumFeatures(1 << 20).transform(shingles);
    MinHashLSHModel lsh = new MinHashLSH().setNumHashTables(20).setInputCol("features").setOutputCol("hashes").setSeed(7).fit(vectors);
    Set<String> baseline = lsh.approxSimilarityJoin(vectors, vectors, 0.25, "distance")
        .selectExpr("datasetA.problem_id AS a", "datasetB.problem_id AS b").filter("a < b").collectAsList().stream()
        .map(r -> pair(r.getString(0), r.getString(1))).collect(Collectors.toCollection(TreeSet::new));

    Set<String> onlyBaseline = new TreeSet<>(baseline);
    onlyBaseline.removeAll(ours);
    System.out.println("MinHashLSH baseline: " + baseline.size() + " pairs, banded dedup: " + ours.size()
        + "; only the baseline (exact duplicates or different numbers, which dedup handles apart): " + onlyBaseline);
    assertEquals(20, ours.stream().filter(p -> p.contains("-near")).count(), "every appended-sentence copy is found");
    assertTrue(baseline.containsAll(ours), "the baseline confirms every pair the banded dedup finds");
  }

  private static String pair(String a, String b) {
    return a.compareTo(b) < 0 ? a + "~" + b : b + "~" + a;
  }
}
