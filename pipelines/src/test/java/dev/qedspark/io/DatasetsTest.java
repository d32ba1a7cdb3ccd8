package dev.qedspark.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.spark.SparkTestBase;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest extends SparkTestBase {
  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.StringType, false)
      .add("value", DataTypes.IntegerType, false);

  @TempDir Path dir;

  private Dataset<Row> rows(int n, int partitions, boolean reversed) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = reversed ? n - 1 - i : i;
      rows.add(RowFactory.create(String.format("id-%04d", k), k * 3));
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
  }

  private Manifest write(Dataset<Row> data, Path target, int shards) {
    return DatasetWriter.of(data).to(target.toString()).named("things").keyedBy("id").shards(shards)
        .fingerprint(new Fingerprint("sha256:test", java.util.Map.of(), java.util.Map.of("unit-test", "sha256:input"))).execute();
  }

  @Test
  void writesShardsAndAManifestThatDescribesThem() throws Exception {
    Path target = dir.resolve("things");
    Manifest manifest = write(rows(500, 3, false), target, 4);

    assertEquals(500, manifest.rows());
    assertEquals(4, manifest.files().size());
    assertEquals(Manifest.FORMAT, manifest.format());
    assertEquals(List.of("id"), manifest.keyColumns());
    assertEquals("sha256:test", manifest.fingerprint().settings());
    List<String> onDisk;
    try (Stream<Path> files = Files.list(target)) {
      onDisk = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet")).sorted().toList();
    }
    assertEquals(List.of("part-00000.parquet", "part-00001.parquet", "part-00002.parquet", "part-00003.parquet"), onDisk);
    for (Manifest.ShardFile shard : manifest.files()) {
      Path file = target.resolve(shard.path());
      assertEquals(Files.size(file), shard.bytes());
      assertEquals(sha256(file), shard.sha256());
    }
    assertEquals(500, manifest.files().stream().mapToLong(Manifest.ShardFile::rows).sum());
    assertEquals(manifest, DatasetReader.manifest(spark, target.toString()), "the manifest on disk is the one returned");

    Dataset<Row> back = DatasetReader.read(spark, target.toString(), true);
    assertEquals(SCHEMA.simpleString(), back.schema().simpleString());
    assertEquals(500, back.count());
    assertEquals(1497, back.filter("id = 'id-0499'").first().getInt(1));
  }

  @Test
  void theSameRowsGiveTheSameFilesWhateverTheirOrderAndPartitioning() {
    Manifest a = write(rows(300, 1, false), dir.resolve("a"), 3);
    Manifest b = write(rows(300, 5, true), dir.resolve("b"), 3);
    assertEquals(a.files(), b.files());
  }

  @Test
  void noShardIsEmptyFewerRowsThanShardsGiveFewerFilesNumberedFromZero() throws Exception {
    Manifest manifest = write(rows(3, 1, false), dir.resolve("sparse"), 8);
    assertEquals(3, manifest.rows());
    assertTrue(manifest.files().size() <= 3 && manifest.files().stream().allMatch(f -> f.rows() > 0), manifest.files().toString());
    for (int i = 0; i < manifest.files().size(); i++) {
      assertEquals(DatasetWriter.shardName(i), manifest.files().get(i).path());
    }
    try (var listing = Files.list(dir.resolve("sparse"))) {
      assertEquals(manifest.files().size(), listing.filter(f -> f.getFileName().toString().endsWith(".parquet")).count(),
          "no file beyond those the manifest lists");
    }
    assertEquals(3, DatasetReader.read(spark, dir.resolve("sparse").toString(), true).count());
  }

  @Test
  void aDatasetWithTheEarlierManifestNameIsReportedAsWrittenByAnOlderVersion() throws Exception {
    Path old = dir.resolve("old");
    write(rows(5, 1, false), old, 1);
    Files.move(old.resolve(Manifest.FILE_NAME), old.resolve(Manifest.OLDER_FILE_NAME));
    DatasetException e = assertThrows(DatasetException.class, () -> DatasetReader.read(spark, old.toString(), true));
    assertTrue(e.getMessage().contains("written by an older version of qed-spark (its manifest is _manifest.json)"), e.getMessage());
  }

  @Test
  void aDatasetWithoutRowsKeepsOneEmptyShardForItsSchema() {
    Manifest manifest = write(rows(0, 1, false), dir.resolve("none"), 4);
    assertEquals(1, manifest.files().size());
    assertEquals(0, manifest.rows());
    assertEquals(List.of("id", "value"), List.of(spark.read().parquet(dir.resolve("none").toString()).columns()));
  }

  @Test
  void everyFieldIsWrittenNullableSoADatasetMadeFromAnotherHasItsSchema() throws IOException {
    Dataset<Row> strict = spark.sql("SELECT 'a' AS id, array(named_struct('role', 'user', 'n', 1L)) AS messages");
    assertFalse(strict.schema().apply("id").nullable(), "a literal is not nullable in Spark");
    Manifest first = DatasetWriter.of(strict).to(dir.resolve("first").toString()).named("first").keyedBy("id").execute();
    Dataset<Row> readBack = DatasetReader.read(spark, dir.resolve("first").toString(), true);
    Manifest second = DatasetWriter.of(readBack).to(dir.resolve("second").toString()).named("second").keyedBy("id").execute();
    assertEquals(first.schema(), second.schema());
    assertEquals(first.sparkSchema(), spark.read().parquet(dir.resolve("first").toString()).schema(), "the manifest's schema is the files'");
    assertTrue(first.schema().toString().contains("\"containsNull\":true") && !first.schema().toString().contains("\"nullable\":false"),
        first.schema().toString());
    for (String dataset : List.of("first", "second")) {
      org.apache.hadoop.fs.Path shard = new org.apache.hadoop.fs.Path(dir.resolve(dataset).resolve(DatasetWriter.shardName(0)).toString());
      try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(
          org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(shard, spark.sparkContext().hadoopConfiguration()))) {
        String fileSchema = reader.getFooter().getFileMetaData().getSchema().toString();
        assertFalse(fileSchema.contains("required"), "the file's own schema has no required field: " + fileSchema);
      }
    }
  }

  /** Parquet's footer lists encodings from a HashSet of enums; a new JVM must still write the same bytes. */
  @Test
  void theSameRowsGiveByteIdenticalShardsInAnotherJvm() throws Exception {
    Manifest here = write(rows(300, 2, false), dir.resolve("here"), 3);
    Path there = dir.resolve("there");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+Ignore") || a.startsWith("-Djdk.reflect")).toList());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), OtherJvm.class.getName(), there.toString()));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    assertEquals(0, child.waitFor(), () -> "the other JVM failed: " + readQuietly(dir.resolve("child.log")));
    assertEquals(here.files(), DatasetReader.manifest(spark, there.toString()).files());
  }

  /** Writes the rows of {@link #theSameRowsGiveByteIdenticalShardsInAnotherJvm} in a JVM of its own. */
  public static final class OtherJvm extends SparkTestBase {
    public static void main(String[] args) throws InterruptedException {
      // Each new thread draws its identity-hash seed from a JVM-wide sequence: a few threads
      // more than the test JVM made give this one's Spark tasks other hash codes for the enums.
      for (int i = 0; i < 7; i++) {
        Thread t = new Thread(() -> new Object().hashCode());
        t.start();
        t.join();
      }
      startSpark();
      DatasetsTest test = new DatasetsTest();
      test.write(test.rows(300, 3, true), Path.of(args[0]), 3);
      spark.stop();
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Test
  void anEmptyDatasetIsStillADatasetWithItsSchema() {
    Path target = dir.resolve("empty");
    Manifest manifest = write(rows(0, 1, false), target, 2);
    assertEquals(0, manifest.rows());
    Dataset<Row> back = DatasetReader.read(spark, target.toString());
    assertEquals(SCHEMA.simpleString(), back.schema().simpleString());
    assertEquals(0, back.count());
  }

  @Test
  void aFailedWriteLeavesNeitherADatasetNorItsStagingFolder() throws IOException {
    Path target = dir.resolve("broken");
    spark.udf().register("explode_on_42", (org.apache.spark.sql.api.java.UDF1<Integer, Integer>) v -> {
      if (v == 42) {
        throw new IllegalStateException("boom");
      }
      return v;
    }, DataTypes.IntegerType);
    Dataset<Row> failing = rows(100, 2, false).selectExpr("id", "explode_on_42(value / 3) AS value");
    assertThrows(Exception.class, () -> write(failing, target, 2));
    assertFalse(Files.exists(target), "no dataset after a failed write");
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(), left.map(Path::toString).collect(Collectors.toList()), "staging folder was removed");
    }
  }

  @Test
  void aFailedRewriteKeepsThePreviousDatasetWhole() {
    Path target = dir.resolve("kept");
    Manifest first = write(rows(50, 1, false), target, 1);
    spark.udf().register("always_fails", (org.apache.spark.sql.api.java.UDF1<Integer, Integer>) v -> {
      throw new IllegalStateException("boom");
    }, DataTypes.IntegerType);
    assertThrows(Exception.class, () -> write(rows(10, 1, false).selectExpr("id", "always_fails(value) AS value"), target, 1));
    assertEquals(first, DatasetReader.verify(spark, target.toString(), true));
  }

  @Test
  void aNewWriteReplacesAnOlderDataset() {
    Path target = dir.resolve("replaced");
    write(rows(10, 1, false), target, 1);
    Manifest second = write(rows(20, 1, false), target, 2);
    assertEquals(second, DatasetReader.manifest(spark, target.toString()));
    assertEquals(20, DatasetReader.read(spark, target.toString()).count());
  }

  @Test
  void aFolderThatIsNotADatasetIsNeverOverwritten() throws IOException {
    Path target = dir.resolve("precious");
    Files.createDirectories(target);
    Files.writeString(target.resolve("notes.txt"), "mine");
    DatasetException e = assertThrows(DatasetException.class, () -> write(rows(5, 1, false), target, 1));
    assertTrue(e.getMessage().contains("refusing to overwrite"), e.getMessage());
    assertEquals("mine", Files.readString(target.resolve("notes.txt")));
  }

  @Test
  void readersRefuseAFolderWithoutAManifest() throws IOException {
    Path plain = dir.resolve("plain");
    rows(5, 1, false).write().parquet(plain.toString());
    DatasetException e = assertThrows(DatasetException.class, () -> DatasetReader.read(spark, plain.toString()));
    assertTrue(e.getMessage().contains("has no .manifest.json"), e.getMessage());
    DatasetException missing = assertThrows(DatasetException.class, () -> DatasetReader.read(spark, dir.resolve("nothing").toString()));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
  }

  @Test
  void readersDetectMissingTruncatedAndCorruptedShards() throws IOException {
    Path target = dir.resolve("damaged");
    write(rows(200, 2, false), target, 2);
    Path shard = target.resolve("part-00001.parquet");
    byte[] original = Files.readAllBytes(shard);

    try (RandomAccessFile file = new RandomAccessFile(shard.toFile(), "rw")) {
      file.seek(original.length / 2);
      file.write(original[original.length / 2] ^ 0xFF);
    }
    assertEquals(200, DatasetReader.verify(spark, target.toString(), false).rows(), "sizes alone still match");
    DatasetException corrupted = assertThrows(DatasetException.class, () -> DatasetReader.verify(spark, target.toString(), true));
    assertTrue(corrupted.getMessage().contains("does not match its sha256"), corrupted.getMessage());

    Files.write(shard, java.util.Arrays.copyOf(original, original.length - 10));
    DatasetException truncated = assertThrows(DatasetException.class, () -> DatasetReader.read(spark, target.toString()));
    assertTrue(truncated.getMessage().contains("part-00001.parquet has " + (original.length - 10) + " bytes"), truncated.getMessage());

    Files.delete(shard);
    DatasetException gone = assertThrows(DatasetException.class, () -> DatasetReader.read(spark, target.toString()));
    assertTrue(gone.getMessage().contains("part-00001.parquet listed in its manifest is missing"), gone.getMessage());
  }

  @Test
  void extraFilesDroppedIntoADatasetAreNotReadButAreNamed() throws IOException {
    Path target = dir.resolve("strays");
    Manifest manifest = write(rows(30, 1, false), target, 1);
    Files.copy(target.resolve("part-00000.parquet"), target.resolve("part-00099.parquet"));
    assertEquals(30, DatasetReader.read(spark, target.toString()).count());
    assertEquals(List.of("part-00099.parquet"), DatasetReader.unlisted(spark, target.toString(), manifest));
  }

  @Test
  void aManifestThatLiesIsCaughtWithWhatItGotWrong() throws IOException {
    Path target = dir.resolve("lies");
    write(rows(40, 1, false), target, 2);
    Path manifest = target.resolve(Manifest.FILE_NAME);
    String honest = Files.readString(manifest);

    Files.writeString(manifest, honest.replaceFirst("\"rows\" : 40", "\"rows\" : 41"));
    DatasetException edited = assertThrows(DatasetException.class, () -> DatasetReader.read(spark, target.toString()));
    assertTrue(edited.getMessage().contains("changed after it was written"), "its .crc no longer matches: " + edited.getMessage());

    Files.delete(target.resolve("." + Manifest.FILE_NAME + ".crc")); // edited by a tool that does not know about checksum files
    DatasetException total = assertThrows(DatasetException.class, () -> DatasetReader.read(spark, target.toString()));
    assertTrue(total.getMessage().contains("contradicts itself: it says 41 rows, its shards add up to 40"), total.getMessage());

    com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode) Manifest.JSON.readTree(honest);
    com.fasterxml.jackson.databind.node.ObjectNode second = (com.fasterxml.jackson.databind.node.ObjectNode) tree.get("files").get(1);
    long secondRows = second.get("rows").asLong();
    second.put("rows", secondRows + 1);
    tree.put("rows", 41);
    Files.writeString(manifest, Manifest.JSON.writeValueAsString(tree));
    DatasetException shardRows = assertThrows(DatasetException.class, () -> DatasetReader.verify(spark, target.toString(), true));
    assertTrue(shardRows.getMessage().contains("does not describe shard part-00001.parquet: it says " + (secondRows + 1)
        + " rows, the shard holds " + secondRows), shardRows.getMessage());

    Files.writeString(manifest, honest.replace("\"type\" : \"integer\"", "\"type\" : \"string\""));
    DatasetException schema = assertThrows(DatasetException.class, () -> DatasetReader.read(spark, target.toString()));
    assertTrue(schema.getMessage().contains("column 2 is value string in the manifest, value int in the shard"), schema.getMessage());

    Files.writeString(manifest, honest);
    assertEquals(40, DatasetReader.read(spark, target.toString(), true).count(), "the honest manifest reads again");
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
