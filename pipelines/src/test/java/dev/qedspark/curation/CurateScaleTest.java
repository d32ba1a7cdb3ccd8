package dev.qedspark.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qedspark.decontam.DecontamSettings;
import dev.qedspark.io.Problem;
import dev.qedspark.spark.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100,000 problems (perturbed copies of the bundled ones, made on the executors) through
 * normalization, decontamination by n-grams and dedup on local[2], in a JVM with a small heap
 * (the "scale" surefire run): nothing of the corpus is collected to the driver. The embedding
 * signal is left out here (about 60 texts/s on 2 cores, see BENCHMARKS.md).
 */
@Tag("scale")
class CurateScaleTest extends SparkTestBase {
  static final int N = 100_000;
  @TempDir Path dir;

  @Test
  void aHundredThousandProblemsAreCuratedWithoutCollectingThemToTheDriver() throws Exception {
    List<String> seeds = new ArrayList<>();
    JsonNode putnam = new ObjectMapper().readTree(Files.readString(Path.of("../data/corpora/putnambench/putnam.json")));
    putnam.forEach(p -> seeds.add(p.path("informal_statement").asText()));
    int distinct = seeds.size();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Dataset<Row> problems = spark.createDataFrame(jsc.parallelize(range(N), 8).map(i -> {
      String base = seeds.get(i % distinct);
      int copy = i / distinct;
      String text = switch (copy % 4) {
        case 0 -> base;
        case 1 -> "Problem " + (copy % 9 + 1) + ". " + base;
        case 2 -> base + " Justify your answer.";
        default -> base.replace("$", " $ ") + " (variant " + copy + " with constant " + (1000 + copy) + ")";
      };
      return Problem.SCHEMA.toRow(new Problem("s:" + i, text, null, null, null, "synthetic", null, null, null, false, "scale", "{}"));
    }), Problem.SCHEMA.schema());

    long started = System.nanoTime();
    CurateReport report = Curate.of(spark, problems)
        .settings(new CurateSettings(CurateSettings.DEFAULTS.dedup(), DecontamSettings.DEFAULTS.withEmbeddings(false), List.of()))
        .into(dir.resolve("out").toString()).execute();
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("curate scale: %,d problems in %.0f s (%.0f problems/s), kept %,d, removed %s%n",
        N, seconds, N / seconds, report.curated(), report.removedByReason());

    long removed = report.removedByReason().values().stream().mapToLong(Long::longValue).sum();
    assertEquals(N, report.curated() + removed, "every problem is kept or removed with a reason");
    assertTrue(report.curated() >= distinct && report.curated() < 40 * distinct,
        "the copies collapse to the originals and their distinct-constant variants: kept " + report.curated());
  }

  private static List<Integer> range(int n) {
    List<Integer> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(i);
    }
    return out;
  }
}
