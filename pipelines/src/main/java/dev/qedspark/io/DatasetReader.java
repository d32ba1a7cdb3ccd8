package dev.qedspark.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads datasets written by {@link DatasetWriter}. A folder is read only through its manifest:
 * it must have one, every listed shard must be there with its recorded size (and, when asked,
 * its sha256), and only the listed shards are read, with the recorded schema.
 */
public final class DatasetReader {
  private DatasetReader() {}

  public static Dataset<Row> read(SparkSession spark, String path) {
    return read(spark, path, false);
  }

  public static Dataset<Row> read(SparkSession spark, String path, boolean verifyChecksums) {
    Manifest manifest = verify(spark, path, verifyChecksums);
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
   * Checks that every shard in the manifest is present with its recorded size and, if asked, its
   * recorded sha256. Returns the manifest; throws {@link DatasetException} naming the first
   * mismatch.
   */
  public static Manifest verify(SparkSession spark, String path, boolean checksums) {
    Manifest manifest = manifest(spark, path);
    Path folder = new Path(path);
    try {
      FileSystem fs = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
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
      }
      return manifest;
    } catch (IOException e) {
      throw new DatasetException("cannot check dataset " + path + ": " + e.getMessage(), e);
    }
  }
}
