package dev.qedspark.io;

import dev.qedspark.common.Hashes;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * is completed by the next run, the next up-to-date check or {@code ./qed dataset OUT} (the moves
 * are idempotent); until then {@link DatasetReader} refuses to read from {@code OUT}, so nothing
 * reads a mix of two runs. Entries of {@code OUT} that no run recorded are never touched: a run
 * that would replace one stops, before any work and again before its commit point.
 *
 * <p>A run's staging folder names its owner (host and process) and is touched every 30 s; a
 * folder whose process is gone (same host) or that nobody touched for 3 minutes (another host)
 * belongs to a dead run and is removed by the next run. At most one run writes a folder at once.
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
  /** How often a live run touches its owner file, and how old a touch may be before the run counts as dead. */
  private static final Duration HEARTBEAT = Duration.ofSeconds(30);
  private static final Duration DEAD_AFTER = Duration.ofMinutes(3);
  /** What a DatasetWriter leaves beside a dataset when killed: .NAME.tmp-UUID or .NAME.old-UUID. */
  private static final java.util.regex.Pattern WRITER_LEFTOVER = java.util.regex.Pattern.compile(
      "\\..+\\.(tmp|old)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  /** Called before each step of a roll-forward; tests make it throw to stop a commit halfway. */
  static volatile java.util.function.Consumer<String> beforeCommitStep = step -> { };

  private final FileSystem fs;
  private final Path out;
  private final String given;
  private final Path staging;
  private final String step;
  private final List<String> outputs;
  private final ScheduledExecutorService heartbeat;
  private boolean committed;

  private Run(FileSystem fs, Path out, String given, Path staging, String step, List<String> outputs) {
    this.fs = fs;
    this.out = out;
    this.given = given;
    this.staging = staging;
    this.step = step;
    this.outputs = List.copyOf(outputs);
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "qed-run-heartbeat");
      t.setDaemon(true);
      return t;
    });
    Path owner = new Path(staging, OWNER);
    heartbeat.scheduleAtFixedRate(() -> {
      try {
        fs.setTimes(owner, System.currentTimeMillis(), -1);
      } catch (IOException e) {
        LOG.debug("heartbeat of {} failed: {}", owner, e.getMessage());
      }
    }, HEARTBEAT.toSeconds(), HEARTBEAT.toSeconds(), TimeUnit.SECONDS);
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
      FileSystem fs = FileSystems.withoutChecksums(folder.getFileSystem(hadoop));
      folder = fs.makeQualified(folder);
      if (fs.exists(folder) && !fs.getFileStatus(folder).isDirectory()) {
        throw new DatasetException("cannot write to " + out + ": it is a file, not a folder");
      }
      if (!fs.mkdirs(folder)) {
        throw new DatasetException("cannot create the output folder " + out + ": check that you may write there");
      }
      recover(fs, folder);
      refuseForeignEntries(fs, folder, outputs);
      Path staging = new Path(folder, STAGING_PREFIX + UUID.randomUUID());
      if (!fs.mkdirs(staging)) { // the first write into the folder: a read-only one stops here, before any work
        throw new DatasetException("cannot write into the output folder " + out + ": check that you may write there");
      }
      // Written aside, then renamed: an owner file is whole or absent, never empty because its
      // writer was killed mid-write (an empty one would look alive until its heartbeat ran out).
      Path pending = new Path(staging, OWNER + ".tmp");
      try (OutputStream owner = fs.create(pending, false)) {
        owner.write((host() + " " + ProcessHandle.current().pid() + " " + Instant.now()).getBytes(StandardCharsets.UTF_8));
      }
      if (!fs.rename(pending, new Path(staging, OWNER))) {
        throw new IOException("cannot name the owner of " + staging);
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
    try {
      writeText(name, Manifest.JSON.writeValueAsString(report));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new DatasetException("cannot write " + name + " as JSON: " + e.getMessage(), e);
    }
  }

  /** Writes {@code text} (UTF-8) as the file output {@code name} (e.g. {@code report.html}). */
  public void writeText(String name, String text) {
    Path file = new Path(path(name));
    try (OutputStream stream = fs.create(file, true)) {
      stream.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new DatasetException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes every output visible at once, recording what they were made from.
   *
   * @param complete false when the outputs hold work left undone (see {@link RunManifest#complete()})
   * @param settings the settings the step used, recorded beside their hash (see {@link RunManifest#settings()})
   */
  public RunManifest commit(Fingerprint fingerprint, boolean complete, com.fasterxml.jackson.databind.JsonNode settings) {
    try {
      refuseForeignEntries(fs, out, outputs);
      Map<String, String> digests = new LinkedHashMap<>();
      for (String name : outputs) {
        Path output = new Path(staging, name);
        if (!fs.exists(output)) {
          throw new IllegalStateException("step " + step + " declared output " + name + " but did not write it");
        }
        digests.put(name, digestOf(fs, output));
      }
      RunManifest manifest = new RunManifest(RunManifest.FORMAT, step, staging.getName().substring(STAGING_PREFIX.length()),
          fingerprint, complete, digests, BuildInfo.codeVersion(), Instant.now().toString(), settings);
      Path partial = new Path(staging, "." + RunManifest.FILE_NAME + ".partial");
      try (OutputStream stream = fs.create(partial, true)) {
        stream.write(Manifest.JSON.writeValueAsBytes(manifest));
      }
      if (!fs.rename(partial, new Path(staging, RunManifest.FILE_NAME))) {
        throw new IOException("cannot rename " + partial);
      }
      committed = true;
      heartbeat.shutdownNow();
      rollForward(fs, out, staging);
      return manifest;
    } catch (IOException e) {
      throw new DatasetException("cannot commit the run of " + step + " in " + out + ": " + e.getMessage(), e);
    }
  }

  /** Removes the staging folder of a run that did not commit. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
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
      FileSystem checked = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileSystem fs = FileSystems.withoutChecksums(checked);
      if (!fs.exists(folder)) {
        return "it has not run into " + out + " yet";
      }
      completeInterruptedCommits(fs, fs.makeQualified(folder));
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
        if (changedSinceRun(fs, checked, output, previous.outputs().get(name))) {
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
      FileSystem fs = FileSystems.withoutChecksums(folder.getFileSystem(spark.sparkContext().hadoopConfiguration()));
      completeInterruptedCommits(fs, fs.makeQualified(folder));
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

  /**
   * Whether {@code out} holds a run that committed but has not finished moving its outputs into
   * place: readers refuse such a folder rather than read a mix of two runs.
   */
  static boolean hasUnfinishedCommit(FileSystem fs, Path out) throws IOException {
    if (!fs.exists(out) || !fs.getFileStatus(out).isDirectory()) {
      return false;
    }
    for (FileStatus entry : fs.listStatus(out, p -> p.getName().startsWith(STAGING_PREFIX))) {
      if (fs.exists(new Path(entry.getPath(), RunManifest.FILE_NAME))) {
        return true;
      }
    }
    return false;
  }

  /** Finishes the commits of runs that died while moving their outputs into place. */
  private static void completeInterruptedCommits(FileSystem fs, Path out) throws IOException {
    for (FileStatus entry : fs.listStatus(out, p -> p.getName().startsWith(STAGING_PREFIX))) {
      if (entry.isDirectory() && fs.exists(new Path(entry.getPath(), RunManifest.FILE_NAME))) {
        if (isAlive(fs, entry.getPath())) {
          throw new DatasetException("a run is committing its outputs into " + out + " right now; try again in a moment");
        }
        LOG.info("completing the commit of an earlier run that was interrupted: {}", entry.getPath());
        rollForward(fs, out, entry.getPath());
      }
    }
  }

  /** Completes committed runs left half moved; removes what dead runs and writers left. */
  static void recover(FileSystem fs, Path out) throws IOException {
    completeInterruptedCommits(fs, out);
    for (FileStatus entry : fs.listStatus(out)) {
      String name = entry.getPath().getName();
      if (name.startsWith(STAGING_PREFIX) && entry.isDirectory()) {
        refuseIfAlive(fs, entry.getPath());
        LOG.info("removing what an unfinished earlier run left: {}", entry.getPath());
        fs.delete(entry.getPath(), true);
      } else if (WRITER_LEFTOVER.matcher(name).matches()) {
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
    for (String name : outputs) {
      Path entry = new Path(out, name);
      if (!fs.exists(entry)) {
        continue;
      }
      // Folders written before runs had manifests: their datasets are ours (they have a dataset
      // manifest); a file such as report.json cannot be told from the user's own, so it is kept.
      boolean ours = previous != null ? previous.outputs().containsKey(name) : fs.exists(new Path(entry, Manifest.FILE_NAME));
      if (!ours) {
        throw new DatasetException("refusing to overwrite " + entry + ": no qed-spark run recorded it (it is not listed in "
            + new Path(out, RunManifest.FILE_NAME) + "). Move it away or choose another output folder.");
      }
    }
  }

  /** Stops rather than delete a staging folder that a live run may still be writing. */
  private static void refuseIfAlive(FileSystem fs, Path staging) throws IOException {
    if (isAlive(fs, staging)) {
      throw new DatasetException("another qed run (" + owner(fs, staging) + ") is writing to " + staging.getParent()
          + "; wait for it to finish or stop it. If it is no longer running, remove " + staging + " and run again.");
    }
  }

  /**
   * Whether the run that owns a staging folder may still be running: on this machine, while its
   * process lives; elsewhere (a cluster driver), while it touches its owner file, which a live
   * run does every {@link #HEARTBEAT}.
   */
  private static boolean isAlive(FileSystem fs, Path staging) throws IOException {
    Path file = new Path(staging, OWNER);
    if (!fs.exists(file)) {
      return false;
    }
    String[] parts = owner(fs, staging).split(" ");
    if (parts.length >= 2 && parts[0].equals(host()) && parts[1].matches("\\d+")) {
      long pid = Long.parseLong(parts[1]);
      return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
    long touched = fs.getFileStatus(file).getModificationTime();
    return System.currentTimeMillis() - touched < DEAD_AFTER.toMillis();
  }

  private static String owner(FileSystem fs, Path staging) throws IOException {
    try (InputStream in = fs.open(new Path(staging, OWNER))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (FileNotFoundException e) {
      return "unknown";
    }
  }

  /**
   * Whether an output differs from what its run recorded ({@code digest}). A dataset's manifest is
   * read once, through {@code checked}, and must also be as its writer left it: matching its
   * checksum file (where the file system keeps one) with rows that add up, since the content
   * digest covers the schema and the shards, not the counts.
   */
  private static boolean changedSinceRun(FileSystem fs, FileSystem checked, Path output, String digest) throws IOException {
    if (!fs.getFileStatus(output).isDirectory()) {
      return !digest.equals(digestOf(fs, output));
    }
    try {
      Manifest manifest = Fingerprint.readManifest(checked, output);
      return !digest.equals(manifest.contentDigest()) || !manifest.rowsAddUp();
    } catch (org.apache.hadoop.fs.ChecksumException e) {
      return true;
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
