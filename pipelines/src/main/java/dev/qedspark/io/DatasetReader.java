package dev.qedspark.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Reads datasets written by {@link DatasetWriter}. A folder is read only through its manifest:
 * it must have one that agrees with itself, every listed shard must be there with its recorded
 * size (and, when asked, its sha256, rows and schema), the first shard's footer must hold the
 * recorded schema, and only the listed shards are read, with that schema.
 */
public final class DatasetReader {
  /** Where Spark records a Parquet file's Spark schema in its footer. */
  private static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";

  private DatasetReader() {}

  public static Dataset<Row> read(SparkSession spark, String path) {
    return read(spark, path, false);
  }

  public static Dataset<Row> read(SparkSession spark, String path, boolean verifyChecksums) {
    Manifest manifest = verify(spark, path, verifyChecksums);
    // One footer read: a manifest that lies about the columns stops here, not in a Spark task.
    // (verify with checksums has read every footer already.)
    if (!verifyChecksums && !manifest.files().isEmpty()) {
      Manifest.ShardFile first = manifest.files().get(0);
      try {
        matchesFooter(spark.sparkContext().hadoopConfiguration(), path, new Path(new Path(path), first.path()), first, manifest);
      } catch (ChecksumException e) {
        throw new DatasetException("dataset " + path + " is damaged: shard " + first.path() + " changed after it was written (its"
            + " checksum does not match). Run the step that wrote it again (--force), or restore the file", e);
      } catch (IOException e) {
        throw new DatasetException("cannot read the footer of " + first.path() + " in " + path + ": " + e.getMessage(), e);
      }
    }
    String[] files = manifest.files().stream()
        .map(f -> new Path(new Path(path), f.path()).toString())
        .toArray(String[]::new);
    if (files.length == 0) {
      return spark.createDataFrame(java.util.List.of(), manifest.sparkSchema());
    }
    return spark.read().schema(manifest.sparkSchema()).parquet(files);
  }

  /** Reads the manifest without checking the shards. */
  public static Manifest manifest(SparkSession spark, String path) {
    Path folder = new Path(path);
    try {
      FileSystem fs = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path file = new Path(folder, Manifest.FILE_NAME);
      Path parent = fs.makeQualified(folder).getParent();
      if (parent != null && Run.hasUnfinishedCommit(FileSystems.withoutChecksums(fs), parent)) {
        throw new DatasetException(path + " belongs to a run whose commit was interrupted, so its folder may hold"
            + " outputs of two runs. Run ./qed dataset " + parent + " (or the step again) to complete the commit.");
      }
      if (!fs.exists(folder)) {
        throw new DatasetException("no dataset at " + path + ": the folder does not exist");
      }
      if (!fs.exists(file) && fs.exists(new Path(folder, Manifest.OLDER_FILE_NAME))) {
        throw new DatasetException(path + " was written by an older version of qed-spark (its manifest is "
            + Manifest.OLDER_FILE_NAME + "): run the step that wrote it again");
      }
      if (!fs.exists(file)) {
        throw new DatasetException("not a dataset: " + path + " has no " + Manifest.FILE_NAME
            + ". Datasets are written by qed jobs and get their manifest when complete; a folder"
            + " without one is from another tool or from a write that did not finish.");
      }
      try (InputStream in = fs.open(file)) {
        com.fasterxml.jackson.databind.JsonNode tree = Manifest.JSON.readTree(in);
        String format = tree.path("format").asText();
        if (!Manifest.FORMAT.equals(format)) {
          throw new DatasetException("unsupported dataset format '" + format + "' in " + file
              + " (this version reads " + Manifest.FORMAT + "); run the step that wrote " + path + " again");
        }
        return Manifest.JSON.treeToValue(tree, Manifest.class);
      }
    } catch (ChecksumException e) {
      throw new DatasetException("the manifest of " + path + " changed after it was written (it no longer matches its"
          + " checksum file ." + Manifest.FILE_NAME + ".crc beside it): run the step that wrote it again (--force)", e);
    } catch (IOException e) {
      throw new DatasetException("cannot read the manifest of " + path + ": " + e.getMessage(), e);
    }
  }

  /** File systems that keep their own checksums (the local one does) may notice damage first. */
  private static boolean matchesSha256(FileSystem fs, Path file, String expected) throws IOException {
    try {
      return DatasetWriter.sha256(fs, file).equals(expected);
    } catch (ChecksumException e) {
      return false;
    }
  }

  /**
   * The shard's own footer must agree with the manifest on its rows and schema: checked in every
   * shard by {@code ./qed dataset} and {@code datasets.verify-checksums}, in the first by every read.
   */
  private static void matchesFooter(Configuration hadoop, String path, Path file, Manifest.ShardFile shard, Manifest manifest)
      throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, hadoop))) {
      if (reader.getRecordCount() != shard.rows()) {
        throw new DatasetException("the manifest of " + path + " does not describe shard " + shard.path() + ": it says "
            + shard.rows() + " rows, the shard holds " + reader.getRecordCount() + ". Run the step that wrote it again (--force).");
      }
      String written = reader.getFooter().getFileMetaData().getKeyValueMetaData().get(SPARK_SCHEMA_KEY);
      String difference = written == null ? null : schemaDifference(manifest.sparkSchema(), (StructType) DataType.fromJson(written));
      if (difference != null) {
        throw new DatasetException("the manifest of " + path + " does not describe shard " + shard.path() + ": " + difference
            + ". Run the step that wrote it again (--force).");
      }
    } catch (RuntimeException e) { // parquet-mr's and Spark's own complaints about a footer they cannot make sense of
      if (e instanceof DatasetException) {
        throw e;
      }
      throw new DatasetException("dataset " + path + " is damaged: the footer of shard " + shard.path() + " cannot be read ("
          + e.getMessage() + "). Run the step that wrote it again (--force), or restore the file", e);
    }
  }

  /** The first column whose name or type differs, said in words; null when the two agree (nullability aside). */
  private static String schemaDifference(StructType claimed, StructType actual) {
    if (claimed.catalogString().equals(actual.catalogString())) {
      return null;
    }
    for (int i = 0; i < Math.max(claimed.size(), actual.size()); i++) {
      String said = i < claimed.size() ? claimed.fields()[i].name() + " " + claimed.fields()[i].dataType().catalogString() : "nothing";
      String held = i < actual.size() ? actual.fields()[i].name() + " " + actual.fields()[i].dataType().catalogString() : "nothing";
      if (!said.equals(held)) {
        return "column " + (i + 1) + " is " + said + " in the manifest, " + held + " in the shard";
      }
    }
    return null;
  }

  /** Parquet files in the folder that the manifest does not list: never read, but worth telling whoever checks the folder. */
  public static List<String> unlisted(SparkSession spark, String path, Manifest manifest) {
    Path folder = new Path(path);
    Set<String> listed = manifest.files().stream().map(Manifest.ShardFile::path).collect(Collectors.toSet());
    try {
      FileSystem fs = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
      return Arrays.stream(fs.listStatus(folder, f -> f.getName().endsWith(".parquet")))
          .map(status -> status.getPath().getName())
          .filter(name -> !listed.contains(name))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new DatasetException("cannot list dataset " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks that the manifest's row counts agree, and that every shard it lists is present with its
   * recorded size and, if asked, its recorded sha256, row count and schema. Returns the manifest;
   * throws {@link DatasetException} naming the first mismatch.
   */
  public static Manifest verify(SparkSession spark, String path, boolean checksums) {
    Manifest manifest = manifest(spark, path);
    if (!manifest.rowsAddUp()) {
      throw new DatasetException("the manifest of " + path + " contradicts itself: it says " + manifest.rows()
          + " rows, its shards add up to " + manifest.files().stream().mapToLong(Manifest.ShardFile::rows).sum()
          + ". Run the step that wrote it again (--force).");
    }
    Path folder = new Path(path);
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try {
      FileSystem fs = folder.getFileSystem(hadoop);
      for (Manifest.ShardFile shard : manifest.files()) {
        Path file = new Path(folder, shard.path());
        FileStatus status;
        try {
          status = fs.getFileStatus(file);
        } catch (FileNotFoundException e) {
          throw new DatasetException("dataset " + path + " is incomplete: shard " + shard.path() + " listed in its manifest is missing");
        }
        if (status.getLen() != shard.bytes()) {
          throw new DatasetException("dataset " + path + " is damaged: shard " + shard.path() + " has "
              + status.getLen() + " bytes, the manifest says " + shard.bytes());
        }
        if (checksums && !matchesSha256(fs, file, shard.sha256())) {
          throw new DatasetException("dataset " + path + " is damaged: shard " + shard.path() + " does not match its sha256 in the manifest");
        }
        if (checksums) {
          matchesFooter(hadoop, path, file, shard, manifest);
        }
      }
      return manifest;
    } catch (IOException e) {
      throw new DatasetException("cannot check dataset " + path + ": " + e.getMessage(), e);
    }
  }
}
