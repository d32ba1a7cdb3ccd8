package dev.qedspark.eval;

import dev.qedspark.common.ConfigException;
import dev.qedspark.ingest.SourceFormat;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Rows a user hands to evaluation (responses, graded proofs): JSONL or JSON, or Parquet, by the path's extension as ingest reads it. */
final class RowFiles {
  private RowFiles() {}

  static Dataset<Row> read(SparkSession spark, String file) {
    SourceFormat format;
    try {
      format = SourceFormat.fromExtension(file);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    return switch (format) {
      case JSONL, JSON -> spark.read().option("mode", "FAILFAST").json(file);
      case PARQUET -> spark.read().parquet(file);
      case CSV -> throw new ConfigException(file + ": give JSONL or Parquet rows here, not CSV");
    };
  }
}
