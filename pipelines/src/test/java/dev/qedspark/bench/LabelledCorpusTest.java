package dev.qedspark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.dedup.DedupSettings;
import dev.qedspark.spark.SparkTestBase;
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
    Set<String> first = longWords(LabelledCorpus.distinctProblem(seeds, 5));
    Set<String> second = longWords(LabelledCorpus.distinctProblem(seeds, LabelledCorpus.GENERATION + 5));
    assertTrue(first.size() > 10 && second.size() > 10, first + " " + second);
    second.retainAll(first);
    assertEquals(Set.of(), second, "two generations share no word of four letters or more, so their problems share no band");
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

  /** Words of four letters or more, LaTeX commands such as \frac aside (they are the same in every generation). */
  private static Set<String> longWords(String text) {
    return java.util.regex.Pattern.compile("(?<![A-Za-z\\\\])[A-Za-z]{4,}(?![A-Za-z])").matcher(text).results()
        .map(java.util.regex.MatchResult::group).collect(Collectors.toSet());
  }

  private static double recall(Measurement m) {
    java.util.regex.Matcher recall = java.util.regex.Pattern.compile("recall ([0-9.]+)").matcher(m.note());
    assertTrue(recall.find(), m.note());
    return Double.parseDouble(recall.group(1));
  }
}
