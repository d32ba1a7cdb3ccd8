package dev.qedspark.ingest;

import dev.qedspark.io.Problem;
import dev.qedspark.io.RecordSchema;

/**
 * What ingest made of one source record: a problem, or the reason it could not be one. Exactly
 * one of {@code problem} and {@code reason} is set.
 */
public record IngestedRecord(
    String source, String file, long line, String raw, Problem problem, String reason, String detail) {

  public static final RecordSchema<IngestedRecord> SCHEMA = RecordSchema.of(IngestedRecord.class);

  /** Reasons a record is quarantined. */
  public static final String MALFORMED_JSON = "malformed_json";
  public static final String NOT_AN_OBJECT = "not_an_object";
  public static final String MALFORMED_CSV = "malformed_csv";
  public static final String MISSING_PROBLEM = "missing_problem";
  public static final String WRONG_TYPE = "wrong_type";
  public static final String TOO_LONG = "too_long";
  public static final String TOO_DEEP = "too_deep";
  public static final String INVALID_UTF8 = "invalid_utf8";
  public static final String UNREADABLE_FILE = "unreadable_file";
  public static final String DUPLICATE_ID = "duplicate_id";

  /** A record that is no problem; its raw text is cut at {@link RecordParsers#MAX_RAW_CHARS}, whatever the reason. */
  static IngestedRecord quarantined(String source, String file, long line, String raw, String reason, String detail) {
    return new IngestedRecord(source, file, line, RecordParsers.truncate(raw), null, reason, detail);
  }
}
