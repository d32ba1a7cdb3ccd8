package dev.qedspark.io;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * How datasets are written and read.
 *
 * @param shards number of Parquet files a dataset is written as
 * @param compression Parquet compression codec
 * @param verifyChecksums whether readers recompute the sha256 of every file against the manifest
 */
public record DatasetSettings(
    @JsonPropertyDescription("Parquet files per written dataset") int shards,
    @JsonPropertyDescription("Parquet codec: zstd, snappy, gzip, lz4, none") String compression,
    @JsonPropertyDescription("readers recompute every file's sha256 (sizes are always checked)")
        boolean verifyChecksums) {

  static final List<String> CODECS = List.of("zstd", "snappy", "gzip", "lz4", "none");

  public static final DatasetSettings DEFAULTS = new DatasetSettings(4, "zstd", false);

  public DatasetSettings {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be at least 1, not " + shards);
    }
    if (compression == null || !CODECS.contains(compression)) {
      throw new IllegalArgumentException(
          "compression must be one of " + String.join(", ", CODECS) + ", not " + compression);
    }
  }
}
