package dev.qedspark.io;

import java.util.Map;

/**
 * One row of the {@code problems} dataset (docs/operations.md, "Datasets"). This record is the schema: the
 * Parquet columns come from {@link #SCHEMA}.
 *
 * @param problemId stable id: {@code <source>:<id in the source>}, or {@code <source>:h<hash>} of
 *     the problem text when the source has no id
 * @param problem the problem statement (never blank)
 * @param solution a reference solution, when the source has one
 * @param answer the short final answer, for answer-type problems
 * @param rubric grading guidelines or a marking scheme, as given by the source
 * @param source the ingest source name (from {@code conf/sources.yaml}, or the input file name)
 * @param competition the competition, when known
 * @param category subject area, when known
 * @param level difficulty or level label, when known
 * @param benchmark true for benchmark sets, which later stages decontaminate against
 * @param origin where the row was read: {@code <file>#<line>}
 * @param metadata every other column of the source record, as a JSON object of texts (nested
 *     values as JSON), {@code {}} when there are none. Text rather than a map because Hugging Face
 *     {@code datasets} has no map type; {@code json_extract(metadata, '$.year')} in DuckDB,
 *     {@code get_json_object(metadata, '$.year')} in Spark.
 */
public record Problem(
    String problemId,
    String problem,
    String solution,
    String answer,
    String rubric,
    String source,
    String competition,
    String category,
    String level,
    boolean benchmark,
    String origin,
    String metadata) {

  public static final RecordSchema<Problem> SCHEMA = RecordSchema.of(Problem.class);

  /** {@code fields} as the metadata column holds them: a JSON object, keys sorted. */
  public static String metadataJson(Map<String, String> fields) {
    try {
      return JSON.writeValueAsString(new java.util.TreeMap<>(fields));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write metadata as JSON: " + e.getMessage(), e);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
}
