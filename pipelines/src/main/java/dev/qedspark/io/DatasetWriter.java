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
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a DataFrame as a dataset: Parquet shards plus {@code .manifest.json}, committed
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
            Manifest.JSON.readTree(nullable(data.schema()).json()), keyColumns, fingerprint,
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
    Dataset<Row> rows = withSchema(data, nullable(data.schema()));
    SparkJobs.named(data.sparkSession(), "write " + name + " (" + shards + " shards)", () -> (partitioned ? rows : rows.repartition(shards, keys))
        .sortWithinPartitions(keys)
        .write()
        .option("compression", compression)
        .parquet(staging.toString()));
  }

  /**
   * Makes each footer canonical, describes each file (rows, size, sha256; one Spark task per
   * file), removes files without rows and names the rest {@code part-00000.parquet},
   * {@code part-00001.parquet}, ... in partition order, so no shard is empty: fewer rows than
   * shards give fewer files. A dataset without rows keeps one empty shard, which carries the
   * schema for readers that take it from the files. A {@link #partitioned()} dataset keeps its
   * shard numbers, so every one of its partitions must hold rows.
   */
  private List<Manifest.ShardFile> finishShards(FileSystem fs, Path staging, Configuration hadoop) throws IOException {
    java.util.TreeMap<Integer, Path> byPartition = new java.util.TreeMap<>();
    for (FileStatus written : fs.listStatus(staging, p -> p.getName().endsWith(".parquet"))) {
      Matcher m = SPARK_PART.matcher(written.getPath().getName());
      if (!m.find() || Integer.parseInt(m.group(1)) >= shards || byPartition.put(Integer.parseInt(m.group(1)), written.getPath()) != null) {
        throw new IOException("unexpected file " + written.getPath() + " among the " + shards + " shards Spark wrote");
      }
    }
    fs.delete(new Path(staging, "_SUCCESS"), false);
    if (byPartition.isEmpty()) {
      Path empty = new Path(staging, shardName(0));
      writeEmptyShard(fs, staging, empty);
      byPartition.put(0, empty);
    }
    List<String> files = byPartition.values().stream().map(Path::toString).toList();
    HadoopConf conf = new HadoopConf(hadoop);
    List<Manifest.ShardFile> described = SparkJobs.named(data.sparkSession(), "hash the " + files.size() + " shards of " + name,
        () -> JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext())
            .parallelize(files, files.size())
            .map(file -> describe(conf, new Path(file)))
            .collect());
    List<Integer> partitions = new ArrayList<>(byPartition.keySet());
    boolean anyRows = described.stream().anyMatch(f -> f.rows() > 0);
    if (partitioned) {
      List<Integer> empty = new ArrayList<>();
      for (int i = 0; i < shards; i++) {
        int at = partitions.indexOf(i);
        if (at < 0 || described.get(at).rows() == 0) {
          empty.add(i);
        }
      }
      if (anyRows && !empty.isEmpty()) {
        throw new DatasetException(name + " would have empty shards " + empty + " of " + shards + ": write fewer shards");
      }
    }
    List<Manifest.ShardFile> kept = new ArrayList<>();
    for (int i = 0; i < described.size(); i++) {
      Manifest.ShardFile file = described.get(i);
      Path current = new Path(staging, file.path());
      if (file.rows() == 0 && (anyRows || !kept.isEmpty())) {
        fs.delete(current, false);
        continue;
      }
      Path named = new Path(staging, shardName(kept.size()));
      if (!current.equals(named) && !fs.rename(current, named)) {
        throw new IOException("cannot rename " + current + " to " + named);
      }
      kept.add(new Manifest.ShardFile(named.getName(), file.bytes(), file.rows(), file.sha256()));
    }
    return kept;
  }

  private void writeEmptyShard(FileSystem fs, Path staging, Path named) throws IOException {
    Path empty = new Path(staging, "." + named.getName() + ".empty");
    SparkJobs.named(data.sparkSession(), "write " + name + ": an empty shard", () -> data.sparkSession()
        .createDataFrame(List.of(), nullable(data.schema())).coalesce(1).write().option("compression", compression).parquet(empty.toString()));
    FileStatus[] files = fs.listStatus(empty, p -> p.getName().endsWith(".parquet"));
    if (files.length != 1 || !fs.rename(files[0].getPath(), named)) {
      throw new IOException("cannot write the empty shard " + named);
    }
    fs.delete(empty, true);
  }

  /**
   * The schema with every field, element and value nullable. Spark reads every Parquet column
   * back as nullable, so a dataset made from another one read back would otherwise differ from
   * it in nullability alone; written this way, every dataset (and every config of a published
   * one) has one schema whatever step made it.
   */
  static StructType nullable(StructType schema) {
    return (StructType) nullable((DataType) schema);
  }

  /**
   * The rows under a schema that differs only in nullability. Spark keeps an expression's own
   * nullability through casts and projections, so the rows are handed over as they are (copied,
   * as the plan may reuse row objects) under the new schema.
   */
  private static Dataset<Row> withSchema(Dataset<Row> data, StructType schema) {
    if (data.schema().equals(schema)) {
      return data;
    }
    org.apache.spark.rdd.RDD<org.apache.spark.sql.catalyst.InternalRow> rows = data.queryExecution().toRdd().toJavaRDD()
        .map(org.apache.spark.sql.catalyst.InternalRow::copy).rdd();
    return data.sparkSession().internalCreateDataFrame(rows, schema, false);
  }

  private static DataType nullable(DataType type) {
    if (type instanceof StructType struct) {
      StructField[] fields = java.util.Arrays.stream(struct.fields())
          .map(f -> new StructField(f.name(), nullable(f.dataType()), true, f.metadata())).toArray(StructField[]::new);
      return new StructType(fields);
    }
    if (type instanceof ArrayType array) {
      return new ArrayType(nullable(array.elementType()), true);
    }
    if (type instanceof MapType map) {
      return new MapType(nullable(map.keyType()), nullable(map.valueType()), true);
    }
    return type;
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
