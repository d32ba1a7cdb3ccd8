package dev.qedspark.ingest;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Options of the ingest stage.
 *
 * @param sources the source catalog read when no input file is named; a relative path is taken
 *     from the project folder ($QED_HOME) when that is set, else from the working directory
 * @param maxTextChars a record whose problem, solution, answer or rubric is longer is
 *     quarantined as {@code too_long}: one huge text must not cost the job
 */
public record IngestSettings(
    @JsonPropertyDescription("source catalog used when ingest gets no --input (relative to $QED_HOME)")
        String sources,
    @JsonPropertyDescription("longest problem, solution, answer or rubric kept, in characters; longer records are quarantined as too_long")
        int maxTextChars) {

  public static final IngestSettings DEFAULTS = new IngestSettings("conf/sources.yaml", 1_000_000);

  public IngestSettings {
    if (sources == null || sources.isBlank()) {
      throw new IllegalArgumentException("sources must name a source catalog file");
    }
    if (maxTextChars < 1_000) {
      throw new IllegalArgumentException("max-text-chars must be at least 1000, not " + maxTextChars);
    }
  }
}
