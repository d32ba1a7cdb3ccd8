package dev.qedspark.llm;

/**
 * What a generation run did.
 *
 * @param requests rows in
 * @param cacheHits answered from the response cache
 * @param sent requests sent to the endpoint
 * @param ok answered in full
 * @param truncated answered, but cut by max_tokens
 * @param errors failed after their retries
 * @param notSent not sent because the budget was reached
 * @param promptTokens prompt tokens of the requests sent in this run
 * @param completionTokens completion tokens of the requests sent in this run
 * @param cost dollars spent in this run
 * @param seconds wall time
 * @param path where the generations dataset is
 */
public record GenerationReport(
    long requests, long cacheHits, long sent, long ok, long truncated, long errors, long notSent,
    long promptTokens, long completionTokens, double cost, double seconds, String path) {}
