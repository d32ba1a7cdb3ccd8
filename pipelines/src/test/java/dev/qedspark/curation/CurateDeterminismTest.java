package dev.qedspark.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.io.Manifest;
import dev.qedspark.io.Problem;
import dev.qedspark.spark.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurateDeterminismTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void theSameProblemsInAnotherOrderAndPartitioningGiveByteIdenticalOutput() throws Exception {
    List<Problem> problems = new ArrayList<>();
    JsonNode putnam = new ObjectMapper().readTree(Files.readString(Path.of("../data/corpora/putnambench/putnam.json")));
    for (int i = 0; i < 24; i++) {
      String text = putnam.get(i * 7).path("informal_statement").asText();
      problems.add(problem("p" + i, text, i % 3 == 0 ? "a solution" : null, i % 2 == 0 ? "a" : "b"));
      if (i % 4 == 0) {
        problems.add(problem("p" + i + "-copy", "Problem 1. " + text, null, "b"));
        problems.add(problem("p" + i + "-near", text + " Justify your answer.", null, "a"));
      }
    }
    problems.add(problem("bench-copy", "Show that $x^2 + y^2 + z^2 + t^2 \\ge xyzt$ for any positive real numbers $x, y, z, t$"
        + " that satisfy $2(x + y + z + t) \\ge xyzt$.", null, "a"));
    problems.add(new Problem("bench:1", "Show that $x^2 + y^2 + z^2 + t^2 \\ge xyzt$ for any positive real numbers $x, y, z, t$"
        + " that satisfy $2(x + y + z + t) \\ge xyzt$.", null, null, null, "bench", null, null, null, true, "t", "{}"));

    List<Problem> reversed = new ArrayList<>(problems);
    Collections.reverse(reversed);
    CurateReport first = run(problems, 1, "first");
    CurateReport second = run(reversed, 5, "second");

    assertTrue(first.removedByReason().values().stream().mapToLong(Long::longValue).sum() >= 13, first.removedByReason().toString());
    for (String name : List.of("curated", "removed")) {
      Manifest a = DatasetReader.manifest(spark, dir.resolve("first").resolve(name).toString());
      Manifest b = DatasetReader.manifest(spark, dir.resolve("second").resolve(name).toString());
      assertEquals(a.files(), b.files(), name + ": same shards, byte for byte");
    }
    assertEquals(first.removedByReason(), second.removedByReason());
  }

  private CurateReport run(List<Problem> problems, int partitions, String name) {
    Dataset<Row> rows = spark.createDataFrame(problems.stream().map(Problem.SCHEMA::toRow).toList(), Problem.SCHEMA.schema())
        .repartition(partitions);
    return Curate.of(spark, rows).into(dir.resolve(name).toString()).execute();
  }

  private static Problem problem(String id, String text, String solution, String source) {
    return new Problem("t:" + id, text, solution, null, null, source, null, null, null, false, "test", "{}");
  }
}
