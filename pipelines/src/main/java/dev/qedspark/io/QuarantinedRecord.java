package dev.qedspark.io;

/**
 * A record that could not become a dataset row, kept with the reason so that nothing is silently
 * dropped. Written next to the dataset it was meant for (for example {@code OUT/quarantine}).
 *
 * @param source the source the record came from
 * @param file the file it was read from
 * @param line 1-based line of the record's start in that file (the row number for Parquet)
 * @param reason a short machine-readable reason, e.g. {@code malformed_json}
 * @param detail what exactly was wrong, for a person
 * @param raw the raw line or record as read
 */
public record QuarantinedRecord(
    String source, String file, long line, String reason, String detail, String raw) {

  public static final RecordSchema<QuarantinedRecord> SCHEMA =
      RecordSchema.of(QuarantinedRecord.class);
}
