package dev.qedspark.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import dev.qedspark.common.Hashes;
import dev.qedspark.spark.SparkJobs;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Writes a DataFrame as a dataset: Parquet shards plus {@code _manifest.json}, committed
 * atomically. Rows are hash-partitioned by the key columns and sorted within each shard, so the
 * same rows give the same files whatever order or partitioning they arrived in.
 *
 * <p>The data is written to a hidden sibling folder first; only when every shard and the
 * manifest are complete is it renamed into place, so a reader sees the whole dataset or none.
 * An existing dataset at the target is replaced; an existing folder that is not a dataset is
 * never touched.
 *
 * <pre>{@code
 * DatasetWriter.of(problems).to(out + "/problems").named("problems").keyedBy("problem_id").execute();
 * }</pre>
 */
public final class DatasetWriter {
  /** Spark's shard names start with the partition number: part-00003-UUID-c000.zstd.parquet. */
  private static final Pattern SPARK_PART = Pattern.compile("^part-(\\d+)-");
  private final Dataset<Row> data;
  private String path;
  private String name;
  private List<String> keyColumns = List.of();
  private int shards = DatasetSettings.DEFAULTS.shards();
  private String compression = DatasetSettings.DEFAULTS.compression();
  private Fingerprint fingerprint = new Fingerprint("", Map.of(), Map.of());
  private boolean partitioned;

  private DatasetWriter(Dataset<Row> data) {
    this.data = Objects.requireNonNull(data);
  }

  public static DatasetWriter of(Dataset<Row> data) {
    return new DatasetWriter(data);
  }

  public DatasetWriter to(String path) {
    this.path = path;
    return this;
  }

  public DatasetWriter named(String name) {
    this.name = name;
    return this;
  }

  /** Columns that identify a row; shards are partitioned and sorted by them. */
  public DatasetWriter keyedBy(String... columns) {
    this.keyColumns = List.of(columns);
    return this;
  }

  public DatasetWriter settings(DatasetSettings settings) {
    this.shards = settings.shards();
    this.compression = settings.compression();
    return this;
  }

  public DatasetWriter shards(int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be at least 1, not " + shards);
    }
    this.shards = shards;
    return this;
  }

  /**
   * The rows' partitions are already the shards, in order (partition i becomes {@code part-i}):
   * they are only sorted by key within each, not hash-partitioned. For datasets whose shard
   * assignment means something, such as one shard per trainer rank.
   */
  public DatasetWriter partitioned() {
    this.partitioned = true;
    return this;
  }

  /** What the rows were made from; recorded in the manifest. */
  public DatasetWriter fingerprint(Fingerprint fingerprint) {
    this.fingerprint = fingerprint;
    return this;
  }

  /** Writes and commits the dataset; returns its manifest. */
  public Manifest execute() {
    Objects.requireNonNull(path, "to(path) is required");
    Objects.requireNonNull(name, "named(name) is required");
    if (keyColumns.isEmpty()) {
      throw new IllegalStateException("keyedBy(columns) is required: shards are partitioned by the row key");
    }
    Configuration hadoop = data.sparkSession().sparkContext().hadoopConfiguration();
    try {
      Path target = new Path(path);
      FileSystem fs = target.getFileSystem(hadoop);
      target = fs.makeQualified(target);
      refuseToClobber(fs, target);
      Path staging = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
      boolean committed = false;
      try {
        writeShards(staging);
        List<Manifest.ShardFile> files = finishShards(fs, staging, hadoop);
        Manifest manifest = new Manifest(
            Manifest.FORMAT, name, files.stream().mapToLong(Manifest.ShardFile::rows).sum(), files,
            Manifest.JSON.readTree(data.schema().json()), keyColumns, fingerprint,
            BuildInfo.codeVersion(), Instant.now().toString());
        try (OutputStream out = fs.create(new Path(staging, Manifest.FILE_NAME), false)) {
          out.write(Manifest.JSON.writeValueAsString(manifest).getBytes(StandardCharsets.UTF_8));
        }
        commit(fs, staging, target);
        committed = true;
        return manifest;
      } finally {
        if (!committed) {
          fs.delete(staging, true);
        }
      }
    } catch (IOException e) {
      throw new DatasetException("cannot write dataset " + name + " to " + path + ": " + e.getMessage(), e);
    }
  }

  private void writeShards(Path staging) {
    Column[] keys = keyColumns.stream().map(functions::col).toArray(Column[]::new);
    if (partitioned && data.rdd().getNumPartitions() != shards) {
      throw new IllegalStateException(name + " has " + data.rdd().getNumPartitions() + " partitions, not the " + shards + " shards it is written as");
    }
    SparkJobs.named(data.sparkSession(), "write " + name + " (" + shards + " shards)", () -> (partitioned ? data : data.repartition(shards, keys))
        .sortWithinPartitions(keys)
        .write()
        .option("compression", compression)
        .parquet(staging.toString()));
  }

  /**
   * Gives shard {@code i} the name {@code part-0000i.parquet} after the partition it holds, writes
   * an empty shard for each partition that got no rows (so there are always exactly
   * {@code shards} files), makes each footer canonical and describes each file. The per-file work
   * runs as a Spark job, one task per shard.
   */
  private List<Manifest.ShardFile> finishShards(FileSystem fs, Path staging, Configuration hadoop) throws IOException {
    Path[] byPartition = new Path[shards];
    for (FileStatus written : fs.listStatus(staging, p -> p.getName().endsWith(".parquet"))) {
      Matcher m = SPARK_PART.matcher(written.getPath().getName());
      if (!m.find() || Integer.parseInt(m.group(1)) >= shards || byPartition[Integer.parseInt(m.group(1))] != null) {
        throw new IOException("unexpected file " + written.getPath() + " among the " + shards + " shards Spark wrote");
      }
      byPartition[Integer.parseInt(m.group(1))] = written.getPath();
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      Path named = new Path(staging, shardName(i));
      if (byPartition[i] == null) {
        writeEmptyShard(fs, staging, named);
      } else if (!fs.rename(byPartition[i], named)) {
        throw new IOException("cannot rename " + byPartition[i] + " to " + named);
      }
      names.add(named.toString());
    }
    fs.delete(new Path(staging, "_SUCCESS"), false);
    HadoopConf conf = new HadoopConf(hadoop);
    return SparkJobs.named(data.sparkSession(), "hash the " + shards + " shards of " + name,
        () -> JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext())
            .parallelize(names, shards)
            .map(shard -> describe(conf, new Path(shard)))
            .collect());
  }

  private void writeEmptyShard(FileSystem fs, Path staging, Path named) throws IOException {
    Path empty = new Path(staging, "." + named.getName() + ".empty");
    SparkJobs.named(data.sparkSession(), "write " + name + ": an empty shard", () -> data.sparkSession()
        .createDataFrame(List.of(), data.schema()).coalesce(1).write().option("compression", compression).parquet(empty.toString()));
    FileStatus[] files = fs.listStatus(empty, p -> p.getName().endsWith(".parquet"));
    if (files.length != 1 || !fs.rename(files[0].getPath(), named)) {
      throw new IOException("cannot write the empty shard " + named);
    }
    fs.delete(empty, true);
  }

  private static Manifest.ShardFile describe(HadoopConf conf, Path file) throws IOException {
    FileSystem fs = file.getFileSystem(conf.get());
    ParquetFooters.canonicalize(fs, file);
    long rows;
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf.get()))) {
      rows = reader.getRecordCount();
    }
    return new Manifest.ShardFile(file.getName(), fs.getFileStatus(file).getLen(), rows, sha256(fs, file));
  }

  private static void refuseToClobber(FileSystem fs, Path target) throws IOException {
    if (!fs.exists(target)) {
      return;
    }
    boolean isDataset = fs.exists(new Path(target, Manifest.FILE_NAME));
    boolean isEmptyFolder = fs.getFileStatus(target).isDirectory() && fs.listStatus(target).length == 0;
    if (!isDataset && !isEmptyFolder) {
      throw new DatasetException("refusing to overwrite " + target + ": it exists and is not a dataset"
          + " (no " + Manifest.FILE_NAME + "). Choose another output folder or remove it.");
    }
  }

  private static void commit(FileSystem fs, Path staging, Path target) throws IOException {
    Path previous = null;
    if (fs.exists(target)) {
      previous = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
      if (!fs.rename(target, previous)) {
        throw new IOException("cannot move the previous dataset " + target + " aside");
      }
    }
    if (!fs.rename(staging, target)) {
      if (previous != null) {
        fs.rename(previous, target);
      }
      throw new IOException("cannot rename " + staging + " to " + target);
    }
    if (previous != null) {
      fs.delete(previous, true);
    }
  }

  static String sha256(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return Hashes.sha256(in);
    }
  }

  /** The file name of shard {@code i} of a dataset: part-00000.parquet, part-00001.parquet, ... */
  public static String shardName(int i) {
    return String.format("part-%05d.parquet", i);
  }
}
