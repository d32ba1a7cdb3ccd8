package dev.qedspark.llm;

import dev.qedspark.io.RecordSchema;

/**
 * The generation columns of an {@link LlmMap} output row: one answer (one choice of one request)
 * and how it was obtained. A failed request is a row with status {@code error}, never a missing
 * row.
 *
 * @param model the model that answered
 * @param completion the message content as returned
 * @param reasoningContent the reasoning, separated from the answer
 * @param proof the answer after the reasoning
 * @param finishReason as returned: stop, length, ...
 * @param promptTokens prompt tokens of the request (on its first choice's row; 0 on the others)
 * @param completionTokens completion tokens of the request (likewise)
 * @param latencyMs time from first send to answer, retries included
 * @param cost dollars, from llm.prices (likewise on the first choice's row)
 * @param status ok, truncated (stopped by max_tokens), error, or not_sent (budget reached)
 * @param error why it failed or was not sent
 * @param attempts how many times it was sent
 * @param cached whether the answer came from the response cache
 * @param cacheKey the content address of the request
 * @param response the raw response JSON (the Batch API output carries it)
 */
public record Generation(
    String model,
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

  /**
   * Errors that asking again will not fix, as SQL over the {@code error} column: an HTTP 4xx
   * answer that is not retried (the client retries 429 and 5xx, whose final errors read "gave up
   * after ...") and prompts the builder rejected.
   */
  static final String PERMANENT_ERROR_SQL = "error LIKE 'HTTP 4%' OR error LIKE 'bad request:%'";

  static Generation failed(String model, String status, String error, int attempts, String cacheKey) {
    return new Generation(model, null, null, null, null, 0, 0, 0, 0, status, error, attempts, false, cacheKey, null);
  }
}
