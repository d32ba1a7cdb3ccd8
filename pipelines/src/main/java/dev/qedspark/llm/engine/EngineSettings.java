package dev.qedspark.llm.engine;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;

/**
 * The embedded engine: llama.cpp in the job's own JVM, used when no endpoint is configured.
 *
 * @param modelFile a GGUF file; empty for the project's tiny random test model
 * @param parallel decoding slots, i.e. requests the engine works on at once
 * @param context context length shared by the slots (each gets context / parallel)
 * @param threads CPU threads for decoding; 0 for the number of cores
 */
public record EngineSettings(
    @JsonPropertyDescription("GGUF model file for the embedded engine; empty = the tiny random test model") String modelFile,
    @JsonPropertyDescription("requests the embedded engine decodes at once (llama.cpp slots)") int parallel,
    @JsonPropertyDescription("context tokens shared by the slots") int context,
    @JsonPropertyDescription("decoding threads; 0 = all cores") int threads) implements Serializable {

  public static final EngineSettings DEFAULTS = new EngineSettings("", 4, 16384, 0);

  public EngineSettings {
    modelFile = modelFile == null ? "" : modelFile;
    if (parallel < 1) throw new IllegalArgumentException("parallel must be at least 1, not " + parallel);
    if (context < 256) throw new IllegalArgumentException("context must be at least 256, not " + context);
    if (threads < 0) throw new IllegalArgumentException("threads must be 0 (all cores) or more, not " + threads);
  }
}
