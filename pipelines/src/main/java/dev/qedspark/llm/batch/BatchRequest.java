package dev.qedspark.llm.batch;

import dev.qedspark.io.RecordSchema;
import dev.qedspark.llm.ChatMessage;
import java.util.List;

/**
 * One line of a Batch API input file.
 *
 * @param requestId the line's custom_id
 * @param messages the prompt
 * @param body the other body fields (max_tokens, temperature, n, ...) as a JSON object; null for none
 */
public record BatchRequest(String requestId, List<ChatMessage> messages, String body) {
  public static final RecordSchema<BatchRequest> SCHEMA = RecordSchema.of(BatchRequest.class);
}
