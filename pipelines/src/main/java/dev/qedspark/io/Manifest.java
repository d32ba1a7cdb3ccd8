package dev.qedspark.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qedspark.common.Hashes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code .manifest.json} of a dataset folder: what a complete dataset holds. A folder without
 * one is not a dataset (an interrupted write leaves none). The name starts with a dot so that
 * loaders that take every file of a folder as data (Hugging Face {@code datasets}, Spark, pyarrow,
 * DuckDB globs over {@code *.parquet}) skip it.
 *
 * @param format always {@link #FORMAT}
 * @param name what the dataset is, e.g. {@code problems}
 * @param rows total row count
 * @param files the Parquet shards, in order
 * @param schema the Spark schema as JSON
 * @param keyColumns columns the rows are partitioned and sorted by
 * @param fingerprint what it was made from: the hash of the settings its step uses, the hashes
 *     of the prompts it sent, and the digest of each input
 * @param codeVersion version and commit of the code that wrote it
 * @param createdAt ISO-8601 time of the commit
 */
public record Manifest(
    String format,
    String name,
    long rows,
    List<ShardFile> files,
    JsonNode schema,
    List<String> keyColumns,
    Fingerprint fingerprint,
    String codeVersion,
    String createdAt) {

  public static final String FILE_NAME = ".manifest.json";
  /** Where earlier versions kept the manifest; such a folder is reported as "written by an older version". */
  public static final String OLDER_FILE_NAME = "_manifest.json";
  public static final String FORMAT = "qed-dataset/2";

  /** How the project writes JSON files (manifests, reports, summaries): snake_case names, indented. */
  public static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  /**
   * One Parquet shard.
   *
   * @param path file name relative to the dataset folder
   * @param bytes file size
   * @param rows rows in the file
   * @param sha256 hex sha256 of the file's bytes
   */
  public record ShardFile(String path, long bytes, long rows, String sha256) implements java.io.Serializable {}

  /**
   * What the rows are, independent of when and by whom they were written: sha256 over the schema
   * and the shards' sha256s. Two writes of the same rows have the same digest, so a downstream
   * step whose input was rewritten unchanged stays up to date.
   */
  public String contentDigest() {
    StringBuilder text = new StringBuilder(schema.toString());
    files.forEach(f -> text.append('\n').append(f.sha256()));
    return "sha256:" + Hashes.sha256(text.toString());
  }

  /** Whether the total row count is the sum of the shards' (a manifest edited by hand may not be). */
  public boolean rowsAddUp() {
    return rows == files.stream().mapToLong(ShardFile::rows).sum();
  }

  public StructType sparkSchema() {
    return (StructType) DataType.fromJson(schema.toString());
  }
}
