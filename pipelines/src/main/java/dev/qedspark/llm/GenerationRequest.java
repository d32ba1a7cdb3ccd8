package dev.qedspark.llm;

import dev.qedspark.io.RecordSchema;
import java.util.List;

/**
 * One request for the {@link GenerationRunner}: the input rows' schema.
 *
 * @param requestId the caller's id; with {@code sampleIndex} it identifies the output row
 * @param messages the prompt
 * @param sampleIndex which sample this is; samples of one prompt differ by seed and cache key
 * @param body extra Chat Completions fields for this request as a JSON object (max_tokens,
 *     temperature, ...), over the configured defaults; null for none
 */
public record GenerationRequest(String requestId, List<ChatMessage> messages, int sampleIndex, String body) {
  public static final RecordSchema<GenerationRequest> SCHEMA = RecordSchema.of(GenerationRequest.class);
}
