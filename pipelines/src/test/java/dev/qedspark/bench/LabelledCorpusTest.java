package dev.qedspark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.dedup.DedupSettings;
import dev.qedspark.spark.SparkTestBase;
import dev.qedspark.text.MathNormalizer;
import dev.qedspark.text.Shingles;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The benchmark's labelled corpus, and near-duplicate search measured on it beside MinHashLSH. */
class LabelledCorpusTest extends SparkTestBase {
  @Test
  void distinctProblemsNeverRepeatAndEachCopyIsLabelledWithItsKind() {
    List<String> seeds = LabelledCorpus.seeds(java.nio.file.Path.of("../data"));
    Set<String> texts = new HashSet<>();
    for (int i = 0; i < 5_000; i++) {
      assertTrue(texts.add(LabelledCorpus.distinctProblem(seeds, i)), "distinct problem " + i + " is new");
    }
    for (int i = LabelledCorpus.GENERATION - 2_000; i < LabelledCorpus.GENERATION + 2_000; i++) {
      assertTrue(texts.add(LabelledCorpus.distinctProblem(seeds, i)), "distinct problem " + i + " is new, across a generation");
    }
    List<Set<Long>> shinglesByGeneration = new java.util.ArrayList<>();
    for (int generation = 0; generation < 3; generation++) {
      shinglesByGeneration.add(normalizedShingles(seeds, generation * LabelledCorpus.GENERATION, 300));
    }
    for (int g = 0; g < 3; g++) {
      assertTrue(shinglesByGeneration.get(g).size() > 10_000, "generation " + g + ": " + shinglesByGeneration.get(g).size() + " shingles");
      for (int h = g + 1; h < 3; h++) {
        Set<Long> shared = new HashSet<>(shinglesByGeneration.get(g));
        shared.retainAll(shinglesByGeneration.get(h));
        assertEquals(Set.of(), shared, "generations " + g + " and " + h + " share no 5-token shingle after normalization, formulas included");
      }
    }
    List<Row> rows = LabelledCorpus.of(spark, seeds, 200, 3).collectAsList();
    assertEquals(220, rows.size(), "200 distinct problems and one copy per ten");
    Map<String, Long> kinds = rows.stream().filter(r -> !r.isNullAt(3)).collect(Collectors.groupingBy(r -> r.getString(3), Collectors.counting()));
    assertEquals(Set.copyOf(LabelledCorpus.KINDS), kinds.keySet(), "every kind is planted");
    for (String kind : LabelledCorpus.KINDS) {
      String original = "Let $x$ and $y$ be reals with $x \\leq y$. Prove that the sum $x + y$ is at most $2y$ for P.";
      assertNotEquals(original, LabelledCorpus.copy(original, kind, 3), kind + " changes the text");
    }
    assertEquals("Let $y$ and $z$ be reals with $y \\leq z$. Prove that the sum $y + z$ is at most $2z$ for Q.",
        LabelledCorpus.copy("Let $x$ and $y$ be reals with $x \\leq y$. Prove that the sum $x + y$ is at most $2y$ for P.", "renamed_variables", 0),
        "renamed variables: every single letter shifted, LaTeX commands untouched");
  }

  @Test
  void dedupFindsMorePlantedCopiesThanMinHashLshWithFewerFalseMerges() {
    List<Measurement> measured = new java.util.ArrayList<>();
    Benchmarks benchmarks = new Benchmarks(spark, BenchScale.SMALL, java.nio.file.Path.of("unused"), measured::add);
    DedupBench bench = benchmarks.dedupBench(LabelledCorpus.seeds(java.nio.file.Path.of("../data")), 1_000);
    Measurement ours = bench.ours(DedupSettings.DEFAULTS);
    Measurement baseline = bench.minHashLsh(DedupSettings.DEFAULTS);
    assertEquals(1_100, ours.size());
    double ourRecall = recall(ours);
    double baselineRecall = recall(baseline);
    assertTrue(ourRecall >= 0.95, ours.note());
    assertTrue(ourRecall > baselineRecall, "renamed variables are found only by the canonical stream: " + ours.note() + " vs " + baseline.note());
    assertThrows(IllegalArgumentException.class, () -> BenchScale.parse("huge"));
  }

  /** The 5-token shingles of problems from..from+count, tokenized by the curate stage's normalizer. */
  private Set<Long> normalizedShingles(List<String> seeds, int from, int count) {
    List<Row> problems = new java.util.ArrayList<>();
    for (int i = from; i < from + count; i++) {
      problems.add(org.apache.spark.sql.RowFactory.create(LabelledCorpus.distinctProblem(seeds, i)));
    }
    org.apache.spark.sql.Dataset<Row> rows = spark.createDataFrame(problems, new org.apache.spark.sql.types.StructType().add("problem", "string"));
    Set<Long> shingles = new HashSet<>();
    for (Row r : MathNormalizer.apply(MathNormalizer.fit(rows, "problem"), rows).select("tokens").collectAsList()) {
      for (long shingle : Shingles.of(r.getList(0), DedupSettings.DEFAULTS.shingleSize())) {
        shingles.add(shingle);
      }
    }
    return shingles;
  }

  private static double recall(Measurement m) {
    java.util.regex.Matcher recall = java.util.regex.Pattern.compile("recall ([0-9.]+)").matcher(m.note());
    assertTrue(recall.find(), m.note());
    return Double.parseDouble(recall.group(1));
  }
}
