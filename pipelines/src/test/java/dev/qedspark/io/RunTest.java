package dev.qedspark.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.spark.SparkTestBase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's outputs become visible together or not at all, whenever the run is stopped. */
class RunTest extends SparkTestBase {
  private static final List<String> OUTPUTS = List.of("a", "b", "report.json");
  private static final Fingerprint PRINT = new Fingerprint("sha256:s", Map.of(), Map.of());

  @TempDir Path dir;

  @AfterEach
  void noMoreCrashes() {
    Run.beforeCommitStep = step -> { };
  }

  /** One run of generation {@code gen}: two datasets and a report that all carry the number. */
  static void writeRun(String out, int gen) {
    try (Run run = Run.begin(spark, out, "test", OUTPUTS)) {
      StructType schema = new StructType().add("id", DataTypes.IntegerType).add("gen", DataTypes.IntegerType);
      for (String name : List.of("a", "b")) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          rows.add(RowFactory.create(i, gen));
        }
        DatasetWriter.of(spark.createDataFrame(rows, schema)).to(run.path(name)).named(name).keyedBy("id").shards(2).execute();
      }
      run.writeJson("report.json", Map.of("gen", gen));
      run.commit(PRINT, true, null);
    }
  }

  /** The generation the folder holds, after checking it holds exactly one run's outputs. */
  private static int wholeGeneration(Path out) throws IOException {
    try (Run recovery = Run.begin(spark, out.toString(), "test", OUTPUTS)) {
      // beginning a run finishes or removes whatever an interrupted one left
    }
    RunManifest manifest = Run.committed(spark, out.toString());
    int a = DatasetReader.read(spark, out.resolve("a").toString()).selectExpr("max(gen)", "min(gen)").first().getInt(0);
    int b = DatasetReader.read(spark, out.resolve("b").toString()).selectExpr("max(gen)").first().getInt(0);
    int report = Manifest.JSON.readTree(out.resolve("report.json").toFile()).path("gen").asInt();
    assertEquals(a, b, "both datasets from one run");
    assertEquals(a, report, "the report from the same run");
    assertEquals(null, Run.staleness(spark, out.toString(), "test", PRINT, OUTPUTS), "the run manifest matches the outputs");
    assertEquals(OUTPUTS.stream().sorted().toList(), manifest.outputs().keySet().stream().toList());
    try (Stream<Path> left = Files.list(out)) {
      assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".run-") || n.contains(".tmp-")
          && !n.startsWith(".my-")).toList(), "no staging left");
    }
    return a;
  }

  @Test
  void aCommitStoppedAtAnyStepIsCompletedByTheNextRun() throws IOException {
    List<String> steps = new ArrayList<>();
    Path first = dir.resolve("probe");
    writeRun(first.toString(), 1);
    Run.beforeCommitStep = steps::add;
    writeRun(first.toString(), 2);
    Run.beforeCommitStep = step -> { };
    assertTrue(steps.size() >= 5, "moves aside, moves in, manifest, clean up: " + steps);

    for (int k = 0; k < steps.size(); k++) {
      Path out = dir.resolve("stop-" + k);
      writeRun(out.toString(), 1);
      int stopAt = k;
      int[] seen = {0};
      Run.beforeCommitStep = step -> {
        if (seen[0]++ == stopAt) {
          throw new IllegalStateException("stopped before " + step);
        }
      };
      assertThrows(IllegalStateException.class, () -> writeRun(out.toString(), 2), "stop before step " + k + " of " + steps);
      Run.beforeCommitStep = step -> { };
      assertEquals(2, wholeGeneration(out), "stopped before step " + steps.get(k) + ": the committed run is completed");
    }
  }

  @Test
  void aReaderRefusesAFolderWhoseCommitWasInterruptedAndDatasetCompletesIt() throws IOException {
    Path out = dir.resolve("half");
    writeRun(out.toString(), 1);
    Run.beforeCommitStep = step -> {
      if (step.equals("move in b")) {
        throw new IllegalStateException("killed");
      }
    };
    assertThrows(IllegalStateException.class, () -> writeRun(out.toString(), 2));
    Run.beforeCommitStep = step -> { };
    DatasetException mixed = assertThrows(DatasetException.class, () -> DatasetReader.read(spark, out.resolve("b").toString()));
    assertTrue(mixed.getMessage().contains("commit was interrupted"), mixed.getMessage());
    assertEquals(2, Run.verify(spark, out.toString()).outputs().size() - 1, "./qed dataset completes the commit");
    assertEquals(2, DatasetReader.read(spark, out.resolve("b").toString()).selectExpr("max(gen)").first().getInt(0));
  }

  @Test
  void aRunThatFailsBeforeItsCommitLeavesThePreviousRunWhole() throws IOException {
    Path out = dir.resolve("failing");
    writeRun(out.toString(), 1);
    assertThrows(IllegalStateException.class, () -> {
      try (Run run = Run.begin(spark, out.toString(), "test", OUTPUTS)) {
        run.writeJson("report.json", Map.of("gen", 2));
        throw new IllegalStateException("the stage failed");
      }
    });
    assertEquals(1, wholeGeneration(out));
  }

  @Test
  void runsKilledAtRandomMomentsLeaveOneWholeRun() throws Exception {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    for (int attempt = 0; attempt < 3; attempt++) {
      Path out = dir.resolve("killed-" + attempt);
      Process child = startWriter(out);
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null && !line.equals("committed 1")) {
          // Spark's start-up output
        }
        assertEquals("committed 1", line, "the writer committed its first run");
        long delay = random.nextInt(2500);
        Thread.sleep(delay);
        child.destroyForcibly().waitFor();
        int gen = wholeGeneration(out);
        assertTrue(gen >= 1, "seed " + seed + ", killed after " + delay + " ms");
      }
    }
  }

  private Process startWriter(Path out) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+Ignore") || a.startsWith("-Djdk.reflect")).toList());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Writer.class.getName(), out.toString()));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** Writes runs 1, 2, 3, ... into one folder until it is killed. */
  public static final class Writer extends SparkTestBase {
    public static void main(String[] args) {
      startSpark();
      for (int gen = 1; gen < 1000; gen++) {
        writeRun(args[0], gen);
        System.out.println("committed " + gen);
        System.out.flush();
      }
    }
  }

  @Test
  void anOutputFolderThatCannotBeCreatedStopsTheRunBeforeAnyWork() throws IOException {
    // /proc refuses new folders even to root, who may write anywhere chmod forbids
    DatasetException e = assertThrows(DatasetException.class, () -> writeRun("/proc/qed-run-test", 1));
    assertTrue(e.getMessage().startsWith("cannot create the output folder /proc/qed-run-test"), e.getMessage());
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    DatasetException underFile = assertThrows(DatasetException.class, () -> writeRun(file.resolve("out").toString(), 1));
    assertTrue(underFile.getMessage().contains("is not a directory"), underFile.getMessage());
  }

  @Test
  void aReadOnlyFolderStopsTheRunBeforeAnyWorkAndKeepsWhatItHolds() throws Exception {
    Path readOnly = Files.createDirectories(dir.resolve("read-only"));
    Path kept = Files.writeString(readOnly.resolve("notes.txt"), "mine");
    boolean immutable = false;
    try {
      Files.setPosixFilePermissions(readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("r-x------"));
      if (canMakeFolderIn(readOnly)) { // root, whom permissions do not stop; the immutable attribute does
        immutable = chattr("+i", readOnly);
      }
      Assumptions.assumeFalse(canMakeFolderIn(readOnly), "this machine cannot make a folder read-only to this user (chmod, chattr +i)");
      DatasetException under = assertThrows(DatasetException.class, () -> writeRun(readOnly.resolve("out").toString(), 1));
      assertTrue(under.getMessage().startsWith("cannot create the output folder " + readOnly.resolve("out")), under.getMessage());
      DatasetException into = assertThrows(DatasetException.class, () -> writeRun(readOnly.toString(), 1));
      assertTrue(into.getMessage().startsWith("cannot write into the output folder " + readOnly), into.getMessage());
      try (Stream<Path> entries = Files.list(readOnly)) {
        assertEquals(List.of(kept), entries.toList(), "nothing written, nothing removed");
      }
    } finally {
      boolean mutable = !immutable || chattr("-i", readOnly); // else the temporary folder cannot be deleted
      Files.setPosixFilePermissions(readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      assertTrue(mutable, "chattr -i " + readOnly + " failed: remove the immutable attribute by hand");
    }
  }

  private static boolean canMakeFolderIn(Path folder) {
    try {
      Files.delete(Files.createDirectory(folder.resolve("probe")));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs chattr; false where it is missing or fails. */
  private static boolean chattr(String change, Path folder) throws InterruptedException {
    try {
      return new ProcessBuilder("chattr", change, folder.toString()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
    } catch (IOException missing) {
      return false;
    }
  }

  @Test
  void aManifestEditedAfterTheRunMakesTheStepStale() throws IOException {
    Path out = dir.resolve("edited");
    writeRun(out.toString(), 1);
    assertEquals(null, Run.staleness(spark, out.toString(), "test", PRINT, OUTPUTS));
    Path manifest = out.resolve("a").resolve(Manifest.FILE_NAME);
    String honest = Files.readString(manifest);
    Files.writeString(manifest, honest.replaceFirst("\"rows\" : 50", "\"rows\" : 51"));
    assertEquals("its output a was changed after the run", Run.staleness(spark, out.toString(), "test", PRINT, OUTPUTS),
        "the schema and shards are unchanged, but the manifest no longer matches its checksum file");
    Files.delete(out.resolve("a").resolve("." + Manifest.FILE_NAME + ".crc"));
    assertEquals("its output a was changed after the run", Run.staleness(spark, out.toString(), "test", PRINT, OUTPUTS),
        "without a checksum file, the rows that no longer add up give it away");
  }

  @Test
  void entriesNoRunWroteAreNeverReplaced() throws IOException {
    Path out = dir.resolve("mine");
    Files.createDirectories(out);
    Files.writeString(out.resolve("report.json"), "my own notes");
    DatasetException refused = assertThrows(DatasetException.class, () -> writeRun(out.toString(), 1));
    assertTrue(refused.getMessage().contains("refusing to overwrite") && refused.getMessage().contains("report.json"),
        refused.getMessage());
    assertEquals("my own notes", Files.readString(out.resolve("report.json")));
    assertFalse(Files.exists(out.resolve("a")), "refused before any work");
  }

  @Test
  void theStagingFolderOfARunThatMayStillBeWritingIsLeftAlone() throws IOException {
    Path out = dir.resolve("busy");
    writeRun(out.toString(), 1);
    Path other = out.resolve(".run-elsewhere");
    Files.createDirectories(other);
    Files.writeString(other.resolve("_owner"), "another-machine 4242 " + java.time.Instant.now());
    DatasetException busy = assertThrows(DatasetException.class, () -> writeRun(out.toString(), 2));
    assertTrue(busy.getMessage().contains("another-machine 4242") && busy.getMessage().contains("/busy/.run-elsewhere and run again"),
        busy.getMessage());
    assertTrue(Files.exists(other));
    Files.setLastModifiedTime(other.resolve("_owner"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 600_000));
    writeRun(out.toString(), 2);
    assertFalse(Files.exists(other), "untouched for ten minutes: its run is dead");
    assertEquals(2, wholeGeneration(out));
  }

  @Test
  void aStaleStagingFolderOfADeadRunIsRemoved() throws IOException {
    Path out = dir.resolve("stale");
    writeRun(out.toString(), 1);
    Path stale = out.resolve(".run-dead");
    Files.createDirectories(stale.resolve("a"));
    Files.writeString(stale.resolve("_owner"), java.net.InetAddress.getLocalHost().getHostName() + " 999999999 2026-01-01T00:00:00Z");
    String leftover = ".a.tmp-" + java.util.UUID.randomUUID();
    Files.createDirectories(out.resolve(leftover));
    Files.createDirectories(out.resolve(".my-notes.tmp-1234"));
    writeRun(out.toString(), 2);
    assertFalse(Files.exists(stale), "its process is gone");
    assertFalse(Files.exists(out.resolve(leftover)));
    assertTrue(Files.exists(out.resolve(".my-notes.tmp-1234")), "only what a dataset writer leaves is removed");
    assertEquals(2, wholeGeneration(out));
  }
}
