package dev.qedspark.ingest;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Options of the ingest stage.
 *
 * @param sources the source catalog read when no input file is named; a relative path is taken
 *     from the project folder ($QED_HOME) when that is set, else from the working directory
 */
public record IngestSettings(
    @JsonPropertyDescription("source catalog used when ingest gets no --input (relative to $QED_HOME)")
        String sources) {

  public static final IngestSettings DEFAULTS = new IngestSettings("conf/sources.yaml");

  public IngestSettings {
    if (sources == null || sources.isBlank()) {
      throw new IllegalArgumentException("sources must name a source catalog file");
    }
  }
}
