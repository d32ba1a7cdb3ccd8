package dev.qedspark.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.io.Problem;
import dev.qedspark.io.QuarantinedRecord;
import dev.qedspark.spark.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestTest extends SparkTestBase {
  @TempDir Path dir;

  private IngestReport ingest(List<SourceSpec> sources, Path out) {
    return Ingest.of(spark, sources).into(out.toString()).execute();
  }

  private List<QuarantinedRecord> quarantine(IngestReport report) {
    return DatasetReader.read(spark, report.quarantinePath()).collectAsList().stream()
        .map(QuarantinedRecord.SCHEMA::fromRow).toList();
  }

  @Test
  void theBundledCatalogIngestsEverySource() throws IOException {
    List<SourceSpec> sources = SourceCatalog.load(spark.sparkContext().hadoopConfiguration(), "../conf/sources.yaml");
    IngestReport report = ingest(sources, dir.resolve("out"));

    Map<String, Long> problems = report.sources().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().problems()));
    assertEquals(Map.of("imo-answerbench", 399L, "imo-proofbench", 60L, "putnambench", 673L,
        "matharena", 156L, "minif2f", 488L, "open-proof-corpus", 242L), problems);
    assertEquals(2018, report.problems());
    assertTrue(report.sources().get("imo-proofbench").benchmark());

    // The upstream AnswerBench CSV has one row whose problem cell is never closed before the
    // answer; it is quarantined, not silently merged into a neighbour.
    List<QuarantinedRecord> bad = quarantine(report);
    assertEquals(1, bad.size());
    assertEquals("imo-answerbench", bad.get(0).source());
    assertEquals(150, bad.get(0).line());
    assertEquals(IngestedRecord.MALFORMED_CSV, bad.get(0).reason());
    assertTrue(bad.get(0).raw().startsWith("imo-bench-algebra-036,"), bad.get(0).raw());

    Dataset<Row> rows = DatasetReader.read(spark, report.problemsPath());
    assertEquals(Problem.SCHEMA.schema().simpleString(), rows.schema().simpleString());
    assertEquals(2018, rows.select("problem_id").distinct().count(), "ids are unique");
    assertEquals(459, rows.filter("benchmark").count());
    Problem pb = Problem.SCHEMA.fromRow(rows.filter("problem_id = 'imo-proofbench:PB-Basic-001'").first());
    assertTrue(pb.rubric().startsWith("(Partial)"), pb.rubric());
    assertEquals("IMO-easy", pb.level());
    Problem putnam = Problem.SCHEMA.fromRow(rows.filter("problem_id = 'putnambench:putnam_1962_a1'").first());
    assertEquals(null, putnam.answer(), "'None.' means no answer in PutnamBench");
    assertEquals("Putnam", putnam.competition());

    JsonNode json = new ObjectMapper().readTree(Files.readString(dir.resolve("out/report.json")));
    assertEquals(2018, json.get("problems").asLong());
    assertEquals(1, json.get("quarantine_reasons").get("malformed_csv").asLong());
  }

  @Test
  void everyBadRecordOfEveryFormatIsQuarantinedWithItsReasonAndLine() throws IOException {
    Path jsonl = Files.writeString(dir.resolve("scraped.jsonl"), String.join("\n",
        "{\"id\": \"1\", \"problem\": \"Prove that 2+2=4.\"}",
        "{\"id\": \"2\", \"problem\": \"Prove that",
        "",
        "[\"an\", \"array\"]",
        "{\"id\": \"4\", \"solution\": \"no statement here\"}",
        "{\"id\": \"1\", \"problem\": \"Same id, other text.\"}",
        "{\"id\": \"6\", \"question\": \"Find all n.\", \"final_answer\": \"7\"}") + "\n");
    Path csv = Files.writeString(dir.resolve("olympiad.csv"),
        "Problem ID,Problem,Short Answer\n"
            + "A,\"Let $a, b$ satisfy\n\\[ a^2 = \"\"b\"\" \\]\",3\n"
            + "B,two,cells,too many\n"
            + "C,\"unterminated\n");
    Path array = Files.writeString(dir.resolve("list.json"),
        "[{\"problem_name\": \"x\", \"informal_statement\": \"Show x.\"}, {\"problem_name\": \"y\"}]");
    Path parquet = dir.resolve("table.parquet");
    StructType schema = new StructType().add("uid", DataTypes.StringType).add("statement", DataTypes.StringType);
    spark.createDataFrame(List.of(RowFactory.create("p1", "Parquet problem."), RowFactory.create("p2", null)), schema)
        .coalesce(1).write().parquet(parquet.toString());

    List<SourceSpec> specs = InputFiles.specs(
        List.of(jsonl.toString(), csv.toString(), array.toString(), parquet.toString()), null, false, Map.of());
    IngestReport report = ingest(specs, dir.resolve("out"));

    Set<String> quarantined = quarantine(report).stream()
        .map(q -> q.source() + "#" + q.line() + " " + q.reason())
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(Set.of(
        "scraped#2 malformed_json",
        "scraped#4 not_an_object",
        "scraped#5 missing_problem",
        "scraped#6 duplicate_id",
        "olympiad#4 malformed_csv",
        "olympiad#5 malformed_csv",
        "list#1 missing_problem",
        "table#2 missing_problem")), quarantined);

    Set<String> ids = DatasetReader.read(spark, report.problemsPath()).collectAsList().stream()
        .map(r -> r.<String>getAs("problem_id")).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(Set.of("scraped:1", "scraped:6", "olympiad:A", "list:x", "table:p1")), ids);
    Problem csvProblem = Problem.SCHEMA.fromRow(
        DatasetReader.read(spark, report.problemsPath()).filter("problem_id = 'olympiad:A'").first());
    assertEquals("Let $a, b$ satisfy\n\\[ a^2 = \"b\" \\]", csvProblem.problem());
    assertEquals("3", csvProblem.answer());

    QuarantinedRecord duplicate = quarantine(report).stream()
        .filter(q -> q.reason().equals(IngestedRecord.DUPLICATE_ID)).findFirst().orElseThrow();
    assertTrue(duplicate.detail().contains("scraped.jsonl#1"), "names the record that kept the id: " + duplicate.detail());
    assertEquals("{\"id\": \"1\", \"problem\": \"Same id, other text.\"}", duplicate.raw());
    assertEquals(Map.of("duplicate_id", 1L, "malformed_csv", 2L, "malformed_json", 1L, "missing_problem", 3L,
        "not_an_object", 1L), report.quarantineReasons());
  }

  @Test
  void aSourceWhoseFilesDoNotExistStopsTheJobBeforeAnyWork() {
    List<SourceSpec> specs = InputFiles.specs(List.of(dir.resolve("missing.jsonl").toString()), null, false, Map.of());
    IngestException e = assertThrows(IngestException.class, () -> ingest(specs, dir.resolve("out")));
    assertTrue(e.getMessage().contains("no input files found for missing: " + dir.resolve("missing.jsonl")), e.getMessage());
    assertTrue(Files.notExists(dir.resolve("out")), "nothing was written");
  }

  @Test
  void encodingAndSizeProblemsAreQuarantinedByName() throws IOException {
    java.io.ByteArrayOutputStream jsonl = new java.io.ByteArrayOutputStream();
    jsonl.write("{\"id\": \"ok\", \"problem\": \"Prove that 3 is odd.\"}\n".getBytes(StandardCharsets.UTF_8));
    jsonl.write("{\"id\": \"bad\", \"problem\": \"caf".getBytes(StandardCharsets.UTF_8));
    jsonl.write(new byte[] {(byte) 0xE9, (byte) 0xFF});
    jsonl.write("\"}\n".getBytes(StandardCharsets.UTF_8));
    jsonl.write(("{\"id\": \"long\", \"problem\": \"" + "x".repeat(5_000) + "\"}\n").getBytes(StandardCharsets.UTF_8));
    jsonl.write(("{\"id\": \"huge\", \"problem\": \"" + "y".repeat(20_000_001) + "\"}\n").getBytes(StandardCharsets.UTF_8));
    Path lines = Files.write(dir.resolve("enc.jsonl"), jsonl.toByteArray());
    Path bom = Files.writeString(dir.resolve("bom.json"), "\uFEFF[{\"id\": \"b1\", \"problem\": \"A document with a byte-order mark.\"}]");
    byte[] latin1 = "[{\"id\": \"l1\", \"problem\": \"Caf\u00e9 problem.\"}]".getBytes(StandardCharsets.ISO_8859_1);
    Path notUtf8 = Files.write(dir.resolve("latin.json"), latin1);
    Path csv = Files.writeString(dir.resolve("cells.csv"), "id,problem\nc1,Short.\nc2," + "z".repeat(5_000) + "\n");

    List<SourceSpec> specs = InputFiles.specs(List.of(lines.toString(), bom.toString(), notUtf8.toString(), csv.toString()), null, false, Map.of());
    IngestReport report = Ingest.of(spark, specs).maxTextChars(4_000).into(dir.resolve("out").toString()).execute();

    Map<String, String> reasons = new java.util.TreeMap<>();
    for (QuarantinedRecord q : quarantine(report)) {
      reasons.put(q.source() + "#" + q.line(), q.reason() + ": " + q.detail());
      assertTrue(q.raw().length() <= 70_000, "a quarantined text is cut, not kept whole: " + q.raw().length());
    }
    assertEquals(java.util.Set.of("enc#2", "enc#3", "enc#4", "latin#1", "cells#3"), reasons.keySet(), reasons.toString());
    assertTrue(reasons.get("enc#2").startsWith("invalid_utf8: bytes that are not UTF-8 at byte 29"), reasons.get("enc#2"));
    assertTrue(reasons.get("enc#3").startsWith("too_long: the problem has 5000 characters"), reasons.get("enc#3"));
    assertTrue(reasons.get("enc#4").startsWith("too_long:"), "a 20,000,001-character string is too long, not malformed JSON: "
        + reasons.get("enc#4"));
    assertTrue(reasons.get("latin#1").startsWith("invalid_utf8:") && reasons.get("latin#1").contains("whole file"), reasons.get("latin#1"));
    assertTrue(reasons.get("cells#3").startsWith("too_long: the problem has 5000 characters"), reasons.get("cells#3"));
    Set<String> ids = DatasetReader.read(spark, report.problemsPath()).collectAsList().stream()
        .map(r -> r.<String>getAs("problem_id")).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(Set.of("enc:ok", "bom:b1", "cells:c1")), ids, "the byte-order mark does not stop the document");
  }

  @Test
  void deepNestingBinaryGarbageAndEmptyFilesAreNamedNeverSilentlyRead() throws IOException {
    String deep = "[".repeat(5_000) + "]".repeat(5_000);
    Path lines = Files.writeString(dir.resolve("deep.jsonl"), "{\"id\": \"fine\", \"problem\": \"Prove that 5 is odd.\"}\r\n"
        + "{\"id\": \"nested\", \"problem\": \"Valid JSON, but deep.\", \"extra\": " + deep + "}\r\n");
    Path document = Files.writeString(dir.resolve("deepdoc.json"), "[{\"id\": \"d1\", \"problem\": \"Kept.\"}, " + deep + "]");
    byte[] garbage = new byte[3_000];
    new Random(7).nextBytes(garbage);
    Path binaryLines = Files.write(dir.resolve("noise.jsonl"), garbage);
    Path binaryCsv = Files.write(dir.resolve("noise2.csv"), garbage);
    Path empty = Files.writeString(dir.resolve("nothing.jsonl"), "");
    Path headerOnly = Files.writeString(dir.resolve("header.csv"), "id,problem\n");

    List<SourceSpec> specs = InputFiles.specs(Stream.of(lines, document, binaryLines, binaryCsv, empty, headerOnly)
        .map(Path::toString).toList(), null, false, Map.of());
    IngestReport report = ingest(specs, dir.resolve("out"));

    Map<String, Long> deepReasons = report.sources().get("deep").reasons();
    assertEquals(Map.of("too_deep", 1L), deepReasons, "valid JSON past the parser's depth is too deep, not malformed");
    assertEquals(Map.of("too_deep", 1L), report.sources().get("deepdoc").reasons());
    assertEquals(1, report.sources().get("deepdoc").problems(), "the records before the deep one are kept");
    IngestReport.SourceCounts noise = report.sources().get("noise");
    assertTrue(noise.quarantined() > 0 && noise.problems() == 0 && noise.reasons().keySet().stream()
        .allMatch(r -> r.equals("invalid_utf8") || r.equals("malformed_json")), noise.toString());
    assertEquals(Map.of("invalid_utf8", 1L), report.sources().get("noise2").reasons(), "a binary CSV is left out whole");
    assertEquals(List.of("nothing", "header"), report.emptySources(), "files that hold no record are named");
    assertEquals(Set.of("deep:fine|Prove that 5 is odd.", "deepdoc:d1|Kept."), DatasetReader.read(spark, report.problemsPath())
        .collectAsList().stream().map(r -> r.<String>getAs("problem_id") + "|" + r.<String>getAs("problem"))
        .collect(Collectors.toSet()));
    QuarantinedRecord nested = quarantine(report).stream().filter(q -> q.source().equals("deep")).findFirst().orElseThrow();
    assertEquals(2, nested.line(), "the CRLF ending of line 1 counts as one line end");
    assertTrue(nested.raw().startsWith("{\"id\": \"nested\"") && !nested.raw().contains("\r"), "no carriage return in the raw text");
  }

  @Test
  void anUnreadableParquetInputIsQuarantinedAndTheRestIsRead() throws IOException {
    Path good = dir.resolve("good.parquet");
    StructType schema = new StructType().add("uid", DataTypes.StringType).add("statement", DataTypes.StringType);
    spark.createDataFrame(List.of(RowFactory.create("g1", "A readable problem.")), schema).coalesce(1).write().parquet(good.toString());
    Path part;
    try (var files = Files.list(good)) {
      part = files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(part);
    Path cut = Files.write(dir.resolve("cut.parquet"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Path fake = Files.writeString(dir.resolve("fake.parquet"), "this is not Parquet at all");
    List<SourceSpec> specs = InputFiles.specs(List.of(good.toString(), cut.toString(), fake.toString()), null, false, Map.of());
    IngestReport report = ingest(specs, dir.resolve("out"));
    Map<String, String> quarantined = new java.util.TreeMap<>();
    quarantine(report).forEach(q -> quarantined.put(q.source(), q.reason() + ": " + q.detail()));
    assertEquals(Set.of("cut", "fake"), quarantined.keySet());
    quarantined.values().forEach(v -> assertTrue(v.startsWith("unreadable_file: ") && v.contains("not a readable Parquet file"), v));
    assertEquals(1, report.problems(), "the readable file is still read");
  }
}
