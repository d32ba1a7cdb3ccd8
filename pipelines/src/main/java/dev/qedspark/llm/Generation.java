package dev.qedspark.llm;

import dev.qedspark.io.RecordSchema;
import java.util.List;

/**
 * One row of a {@code generations} dataset (DESIGN.md section 5): one request and how it ended.
 * A failed request is a row with status {@code error}, never a missing row.
 *
 * @param requestId the caller's id of the request (a Batch API custom_id, a problem id, ...)
 * @param sampleIndex which sample of that request (0 for the first)
 * @param model the model that answered
 * @param messages the prompt
 * @param completion the message content as returned
 * @param reasoningContent the reasoning, separated from the answer
 * @param proof the answer after the reasoning
 * @param finishReason as returned: stop, length, ...
 * @param promptTokens prompt tokens
 * @param completionTokens completion tokens
 * @param latencyMs time from first send to answer, retries included
 * @param cost dollars, from llm.prices
 * @param status ok, truncated (stopped by max_tokens), error, or not_sent (budget reached)
 * @param error why it failed or was not sent
 * @param attempts how many times it was sent
 * @param cached whether the answer came from the response cache
 * @param cacheKey the content address of the request
 * @param response the raw response JSON (the Batch API output carries it)
 */
public record Generation(
    String requestId,
    int sampleIndex,
    String model,
    List<ChatMessage> messages,
    String completion,
    String reasoningContent,
    String proof,
    String finishReason,
    long promptTokens,
    long completionTokens,
    long latencyMs,
    double cost,
    String status,
    String error,
    int attempts,
    boolean cached,
    String cacheKey,
    String response) {

  public static final RecordSchema<Generation> SCHEMA = RecordSchema.of(Generation.class);

  public static final String OK = "ok";
  public static final String TRUNCATED = "truncated";
  public static final String ERROR = "error";
  public static final String NOT_SENT = "not_sent";
}
