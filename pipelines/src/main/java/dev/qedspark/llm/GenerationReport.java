package dev.qedspark.llm;

/**
 * What an {@link LlmMap} run did.
 *
 * @param requests requests made of the input rows (rows x samples)
 * @param rows output rows (one per choice)
 * @param cacheHits requests answered from the response cache
 * @param sent requests sent to the endpoint in this run
 * @param ok rows answered in full
 * @param truncated rows answered, but cut by max_tokens
 * @param errors rows whose request failed after its retries
 * @param errorsToRetry those of them that may succeed another time (time-outs, 5xx, 429, lost
 *     connections); rejections (other 4xx, prompts the builder refused) will fail again
 * @param notSent rows not sent because the budget was reached
 * @param parseErrors answered rows the parser could not read
 * @param promptTokens prompt tokens of the requests sent in this run
 * @param completionTokens completion tokens of the requests sent in this run
 * @param cost dollars spent in this run
 * @param seconds wall time
 * @param path where the output dataset is
 */
public record GenerationReport(
    long requests, long rows, long cacheHits, long sent, long ok, long truncated, long errors, long errorsToRetry, long notSent,
    long parseErrors, long promptTokens, long completionTokens, double cost, double seconds, String path) {

  /**
   * Whether a later run could still do more: requests that may succeed when asked again, or that
   * the budget kept back. Such a run is committed but never counts as up to date.
   */
  public boolean leftWorkUndone() {
    return errorsToRetry > 0 || notSent > 0;
  }
}
