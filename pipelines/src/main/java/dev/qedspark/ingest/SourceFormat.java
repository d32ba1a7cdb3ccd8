package dev.qedspark.ingest;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** File formats ingest reads. */
public enum SourceFormat {
  /** One JSON object per line ({@code .jsonl}, {@code .ndjson}); read in parallel, line by line. */
  JSONL,
  /** A JSON document ({@code .json}): an array of objects, or objects one after another. */
  JSON,
  /** CSV with a header row; quoted cells may hold commas, quotes and newlines (RFC 4180). */
  CSV,
  /** Parquet files or a folder of them. */
  PARQUET;

  public static SourceFormat named(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown format '" + name + "'; expected one of " + names());
    }
  }

  /** The format a path's extension implies. */
  public static SourceFormat fromExtension(String path) {
    String lower = path.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return JSONL;
    if (lower.endsWith(".json")) return JSON;
    if (lower.endsWith(".csv")) return CSV;
    if (lower.endsWith(".parquet") || lower.endsWith("/") || !lower.substring(lower.lastIndexOf('/') + 1).contains(".")) return PARQUET;
    throw new IllegalArgumentException("cannot tell the format of " + path + " from its extension;"
        + " name it with a format (" + names() + ")");
  }

  static String names() {
    return Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
  }
}
