package dev.qedspark.io;

import dev.qedspark.common.Hashes;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a step into an output folder: the unit of commit. Every dataset and file of the run
 * is written into a hidden staging folder ({@code OUT/.run-ID}); {@link #commit} then writes the
 * run's {@link RunManifest} there (the commit point) and moves the outputs into place, the
 * previous run's versions aside, and the manifest to {@code OUT/_run.json} last.
 *
 * <p>A run that fails or is killed before its commit point leaves the previous run whole: its
 * staging folder is removed by the next run into the folder. One killed after the commit point
 * is completed by the next run (the moves are idempotent). So {@code OUT} always ends up with all
 * of one run's outputs, never a mix. Entries of {@code OUT} that no run of ours wrote are never
 * touched: a run that would replace one stops before doing any work.
 *
 * <p>On HDFS and the local file system each move is an atomic rename. On object stores (S3A)
 * a folder rename is a copy: the commit protocol still completes or rolls forward, but a
 * reader that looks during the moves may see them half done.
 */
public final class Run implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Run.class);
  static final String STAGING_PREFIX = ".run-";
  private static final String OWNER = "_owner";
  private static final String REPLACED = ".replaced";
  /** Called before each step of a roll-forward; tests make it throw to stop a commit halfway. */
  static volatile java.util.function.Consumer<String> beforeCommitStep = step -> { };

  private final FileSystem fs;
  private final Path out;
  private final String given;
  private final Path staging;
  private final String step;
  private final List<String> outputs;
  private boolean committed;

  private Run(FileSystem fs, Path out, String given, Path staging, String step, List<String> outputs) {
    this.fs = fs;
    this.out = out;
    this.given = given;
    this.staging = staging;
    this.step = step;
    this.outputs = List.copyOf(outputs);
  }

  /**
   * Starts a run of {@code step} that will write {@code outputs} (names of entries in {@code out}).
   * Finishes or removes what earlier runs left, and refuses outputs that would replace entries
   * that are not ours.
   */
  public static Run begin(SparkSession spark, String out, String step, List<String> outputs) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path folder = new Path(out);
    try {
      FileSystem fs = raw(folder.getFileSystem(hadoop));
      folder = fs.makeQualified(folder);
      if (fs.exists(folder) && !fs.getFileStatus(folder).isDirectory()) {
        throw new DatasetException("cannot write to " + out + ": it is a file, not a folder");
      }
      fs.mkdirs(folder);
      recover(fs, folder);
      refuseForeignEntries(fs, folder, outputs);
      Path staging = new Path(folder, STAGING_PREFIX + UUID.randomUUID());
      fs.mkdirs(staging);
      try (OutputStream owner = fs.create(new Path(staging, OWNER), false)) {
        owner.write((host() + " " + ProcessHandle.current().pid() + " " + Instant.now()).getBytes(StandardCharsets.UTF_8));
      }
      return new Run(fs, folder, out, staging, step, outputs);
    } catch (IOException e) {
      throw new DatasetException("cannot start a run in " + out + ": " + e.getMessage(), e);
    }
  }

  /** Where the run writes output {@code name} until it commits. */
  public String path(String name) {
    if (!outputs.contains(name)) {
      throw new IllegalArgumentException("output '" + name + "' was not declared; this run writes " + outputs);
    }
    return new Path(staging, name).toString();
  }

  /** Where output {@code name} is once committed, under the folder as it was given. */
  public String finalPath(String name) {
    return new Path(given, name).toString();
  }

  /** Writes {@code report} as the JSON output {@code name} (e.g. {@code report.json}). */
  public void writeJson(String name, Object report) {
    Path file = new Path(path(name));
    try (OutputStream stream = fs.create(file, true)) {
      stream.write(Manifest.JSON.writeValueAsString(report).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new DatasetException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes every output visible at once, recording what they were made from.
   *
   * @param complete false when the outputs hold work left undone (see {@link RunManifest#complete()})
   */
  public RunManifest commit(Fingerprint fingerprint, boolean complete) {
    try {
      Map<String, String> digests = new LinkedHashMap<>();
      for (String name : outputs) {
        Path output = new Path(staging, name);
        if (!fs.exists(output)) {
          throw new IllegalStateException("step " + step + " declared output " + name + " but did not write it");
        }
        digests.put(name, digestOf(fs, output));
      }
      RunManifest manifest = new RunManifest(RunManifest.FORMAT, step, staging.getName().substring(STAGING_PREFIX.length()),
          fingerprint, complete, digests, BuildInfo.codeVersion(), Instant.now().toString());
      Path partial = new Path(staging, "." + RunManifest.FILE_NAME + ".partial");
      try (OutputStream stream = fs.create(partial, true)) {
        stream.write(Manifest.JSON.writeValueAsBytes(manifest));
      }
      if (!fs.rename(partial, new Path(staging, RunManifest.FILE_NAME))) {
        throw new IOException("cannot rename " + partial);
      }
      committed = true;
      rollForward(fs, out, staging);
      return manifest;
    } catch (IOException e) {
      throw new DatasetException("cannot commit the run of " + step + " in " + out + ": " + e.getMessage(), e);
    }
  }

  /** Removes the staging folder of a run that did not commit. */
  @Override
  public void close() {
    if (!committed) {
      try {
        fs.delete(staging, true);
      } catch (IOException e) {
        LOG.warn("could not remove {}; the next run into {} removes it", staging, out);
      }
    }
  }

  /** The committed run of {@code out}, or null when there is none. */
  public static RunManifest committed(SparkSession spark, String out) {
    Path folder = new Path(out);
    try {
      return read(folder.getFileSystem(spark.sparkContext().hadoopConfiguration()), new Path(folder, RunManifest.FILE_NAME));
    } catch (IOException e) {
      throw new DatasetException("cannot read " + out + "/" + RunManifest.FILE_NAME + ": " + e.getMessage(), e);
    }
  }

  /**
   * Why {@code step} must run again into {@code out}, or null when its committed outputs are up to
   * date: made by the same step from the same fingerprint, and still as that run left them.
   */
  public static String staleness(SparkSession spark, String out, String step, Fingerprint fingerprint, List<String> outputs) {
    Path folder = new Path(out);
    try {
      FileSystem fs = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
      RunManifest previous = read(fs, new Path(folder, RunManifest.FILE_NAME));
      if (previous == null) {
        return "it has not run into " + out + " yet";
      }
      if (!step.equals(previous.step())) {
        return out + " holds the outputs of " + previous.step();
      }
      if (!previous.complete()) {
        return "its last run left requests unanswered (errors or the budget)";
      }
      String difference = fingerprint.differenceFrom(previous.fingerprint());
      if (difference != null) {
        return difference;
      }
      for (String name : outputs) {
        Path output = new Path(folder, name);
        if (!previous.outputs().containsKey(name) || !fs.exists(output)) {
          return "its output " + name + " is missing";
        }
        if (!previous.outputs().get(name).equals(digestOf(fs, output))) {
          return "its output " + name + " was changed after the run";
        }
      }
      return null;
    } catch (IOException e) {
      throw new DatasetException("cannot check whether " + out + " is up to date: " + e.getMessage(), e);
    }
  }

  /**
   * Checks a run folder: every output its run manifest names is there with the recorded digest.
   * Returns the manifest; throws {@link DatasetException} naming the first output that differs.
   */
  public static RunManifest verify(SparkSession spark, String out) {
    Path folder = new Path(out);
    try {
      FileSystem fs = raw(folder.getFileSystem(spark.sparkContext().hadoopConfiguration()));
      RunManifest manifest = read(fs, new Path(folder, RunManifest.FILE_NAME));
      if (manifest == null) {
        throw new DatasetException(out + " has no " + RunManifest.FILE_NAME + ": no run of qed-spark committed there");
      }
      for (Map.Entry<String, String> output : manifest.outputs().entrySet()) {
        Path entry = new Path(folder, output.getKey());
        if (!fs.exists(entry)) {
          throw new DatasetException("run folder " + out + " is incomplete: " + output.getKey() + " is missing");
        }
        if (fs.getFileStatus(entry).isDirectory()) {
          DatasetReader.verify(spark, entry.toString(), true);
        }
        if (!digestOf(fs, entry).equals(output.getValue())) {
          throw new DatasetException("run folder " + out + ": " + output.getKey() + " was changed after its run committed");
        }
      }
      return manifest;
    } catch (IOException e) {
      throw new DatasetException("cannot check run folder " + out + ": " + e.getMessage(), e);
    }
  }

  /** Completes committed runs left half moved; removes staging that never committed. */
  static void recover(FileSystem fs, Path out) throws IOException {
    for (FileStatus entry : fs.listStatus(out)) {
      String name = entry.getPath().getName();
      if (name.startsWith(STAGING_PREFIX) && entry.isDirectory()) {
        if (fs.exists(new Path(entry.getPath(), RunManifest.FILE_NAME))) {
          LOG.info("completing the commit of an earlier run that was interrupted: {}", entry.getPath());
          rollForward(fs, out, entry.getPath());
        } else {
          refuseIfAlive(fs, entry.getPath());
          LOG.info("removing what an unfinished earlier run left: {}", entry.getPath());
          fs.delete(entry.getPath(), true);
        }
      } else if (name.startsWith(".") && (name.contains(".tmp-") || name.contains(".old-"))) {
        fs.delete(entry.getPath(), true);
      }
    }
  }

  /**
   * Moves a committed staging folder's outputs into place. Each move is checked before it is
   * made, so running this again after a crash finishes the job without redoing any part of it.
   */
  private static void rollForward(FileSystem fs, Path out, Path staging) throws IOException {
    RunManifest manifest = read(fs, new Path(staging, RunManifest.FILE_NAME));
    Path replaced = new Path(staging, REPLACED);
    RunManifest previous = read(fs, new Path(out, RunManifest.FILE_NAME));
    if (previous != null && !previous.runId().equals(manifest.runId())) {
      for (String name : previous.outputs().keySet()) {
        if (!manifest.outputs().containsKey(name) && fs.exists(new Path(out, name))) {
          beforeCommitStep.accept("retire " + name);
          moveAside(fs, new Path(out, name), replaced);
        }
      }
    }
    for (String name : manifest.outputs().keySet()) {
      Path source = new Path(staging, name);
      Path target = new Path(out, name);
      if (fs.exists(source)) {
        if (fs.exists(target)) {
          beforeCommitStep.accept("move aside " + name);
          moveAside(fs, target, replaced);
        }
        beforeCommitStep.accept("move in " + name);
        if (!fs.rename(source, target)) {
          throw new IOException("cannot move " + source + " to " + target);
        }
      }
    }
    Path runFile = new Path(out, RunManifest.FILE_NAME);
    beforeCommitStep.accept("replace " + RunManifest.FILE_NAME);
    fs.delete(runFile, false);
    if (!fs.rename(new Path(staging, RunManifest.FILE_NAME), runFile)) {
      throw new IOException("cannot move the run manifest to " + runFile);
    }
    beforeCommitStep.accept("clean up");
    fs.delete(staging, true);
  }

  private static void moveAside(FileSystem fs, Path entry, Path replaced) throws IOException {
    fs.mkdirs(replaced);
    Path aside = new Path(replaced, entry.getName());
    fs.delete(aside, true);
    if (!fs.rename(entry, aside)) {
      throw new IOException("cannot move the previous " + entry + " aside");
    }
  }

  private static void refuseForeignEntries(FileSystem fs, Path out, List<String> outputs) throws IOException {
    RunManifest previous = read(fs, new Path(out, RunManifest.FILE_NAME));
    boolean legacyDatasets = previous == null && hasDataset(fs, out);
    for (String name : outputs) {
      Path entry = new Path(out, name);
      if (!fs.exists(entry)) {
        continue;
      }
      boolean ours = previous != null ? previous.outputs().containsKey(name)
          : fs.exists(new Path(entry, Manifest.FILE_NAME)) || (legacyDatasets && name.endsWith(".json"));
      if (!ours) {
        throw new DatasetException("refusing to overwrite " + entry + ": no qed-spark run wrote it (it is not listed in "
            + new Path(out, RunManifest.FILE_NAME) + "). Move it away or choose another output folder.");
      }
    }
  }

  /** A folder written before runs had manifests: its datasets, and their report beside them, are ours. */
  private static boolean hasDataset(FileSystem fs, Path out) throws IOException {
    for (FileStatus entry : fs.listStatus(out)) {
      if (entry.isDirectory() && fs.exists(new Path(entry.getPath(), Manifest.FILE_NAME))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Another run may still be writing this staging folder: stop rather than delete its work. On
   * this machine a run is alive while its process is; a run on another machine (a cluster
   * driver) counts as alive for a day, and the message says how to clear it sooner.
   */
  private static void refuseIfAlive(FileSystem fs, Path staging) throws IOException {
    String owner;
    try (InputStream in = fs.open(new Path(staging, OWNER))) {
      owner = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (FileNotFoundException e) {
      return;
    }
    String[] parts = owner.split(" ");
    if (parts.length < 3) {
      return;
    }
    String started = parts[2];
    if (parts[0].equals(host())) {
      long pid = Long.parseLong(parts[1]);
      if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        throw new DatasetException("another qed run (process " + pid + ", started " + started + ") is writing to "
            + staging.getParent() + "; wait for it to finish or stop it");
      }
    } else if (Instant.parse(started).isAfter(Instant.now().minus(java.time.Duration.ofDays(1)))) {
      throw new DatasetException("a qed run on " + parts[0] + " (process " + parts[1] + ", started " + started
          + ") may still be writing to " + staging.getParent() + ". If it is no longer running, remove " + staging
          + " and run again.");
    }
  }

  static String digestOf(FileSystem fs, Path output) throws IOException {
    if (fs.getFileStatus(output).isDirectory()) {
      return Fingerprint.readManifest(fs, output).contentDigest();
    }
    try (InputStream in = fs.open(output)) {
      return "sha256:" + Hashes.sha256(in);
    }
  }

  private static RunManifest read(FileSystem fs, Path file) throws IOException {
    if (!fs.exists(file)) {
      return null;
    }
    try (InputStream in = fs.open(file)) {
      return Manifest.JSON.readValue(in, RunManifest.class);
    }
  }

  /** The local file system without its .crc side files, which would clutter the output folder. */
  private static FileSystem raw(FileSystem fs) {
    return fs instanceof org.apache.hadoop.fs.LocalFileSystem local ? local.getRaw() : fs;
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return ManagementFactory.getRuntimeMXBean().getName();
    }
  }

  @Override
  public String toString() {
    return Objects.toString(step) + " -> " + out;
  }
}
