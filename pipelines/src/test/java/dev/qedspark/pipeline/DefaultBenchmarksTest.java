package dev.qedspark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.config.ConfigLoader;
import dev.qedspark.config.QedConfig;
import dev.qedspark.curation.Curate;
import dev.qedspark.curation.CurateReport;
import dev.qedspark.ingest.Ingest;
import dev.qedspark.ingest.InputFiles;
import dev.qedspark.ingest.SourceSpec;
import dev.qedspark.spark.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus ingested with --input alone holds no benchmark rows; curating it against nothing is
 * never what a user means, so the catalog's benchmark sources become the reference.
 */
class DefaultBenchmarksTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void aCorpusWithoutBenchmarkRowsIsCuratedAgainstTheCatalogsBenchmarks() throws Exception {
    // PB-Basic-001, the first problem of the bundled IMO-ProofBench file: the quoted second cell of its first row.
    String row = Files.readAllLines(Path.of("..", "data", "benchmarks", "imobench", "proofbench_v2.csv")).get(1);
    String text = row.substring(row.indexOf('"') + 1, row.indexOf('"', row.indexOf('"') + 1));
    Path corpus = Files.writeString(dir.resolve("corpus.jsonl"), String.join("\n",
        "{\"id\": \"copy\", \"problem\": " + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text) + "}",
        "{\"id\": \"own\", \"problem\": \"Prove that every tree with n vertices has exactly n - 1 edges.\"}") + "\n");
    QedConfig config = ConfigLoader.load(List.of(), List.of("ingest.sources=../conf/sources.yaml", "curate.decontam.embeddings=false"));
    try (Stages stages = Stages.with(spark, config)) {
      List<SourceSpec> sources = InputFiles.specs(List.of(corpus.toString()), null, false, Map.of());
      stages.ingest(sources).into(dir.resolve("in").toString()).execute();
      Curate curate = stages.curate(dir.resolve("in").resolve(Ingest.PROBLEMS).toString(), List.of());
      List<SourceSpec> defaults = stages.defaultBenchmarks(curate, List.of());
      assertEquals(List.of("imo-answerbench", "imo-proofbench"), defaults.stream().map(SourceSpec::name).sorted().toList());
      assertEquals(List.of(), stages.defaultBenchmarks(curate, List.of("my-benchmark.jsonl")), "a benchmark file given: no defaults");
      CurateReport report = curate.benchmarkSources(defaults).into(dir.resolve("cur").toString()).execute();
      assertTrue(report.benchmarks() > 400, "both benchmarks are the reference: " + report.benchmarks());
      assertEquals(Map.of("contaminated", 1L), report.removedByReason(), "the copied IMO-ProofBench problem is found");
      assertEquals(1, report.curated());
    }
  }
}
