package dev.qedspark.llm;

import java.util.Collection;
import java.util.Map;

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
    long parseErrors, long promptTokens, long completionTokens, double cost, double seconds, String path) implements LlmCalls {

  /** The counts, tokens and cost of several calls added up (seconds too; no path). */
  public static GenerationReport sum(Collection<GenerationReport> reports) {
    GenerationReport total = new GenerationReport(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null);
    for (GenerationReport r : reports) {
      total = new GenerationReport(total.requests + r.requests, total.rows + r.rows, total.cacheHits + r.cacheHits, total.sent + r.sent,
          total.ok + r.ok, total.truncated + r.truncated, total.errors + r.errors, total.errorsToRetry + r.errorsToRetry,
          total.notSent + r.notSent, total.parseErrors + r.parseErrors, total.promptTokens + r.promptTokens,
          total.completionTokens + r.completionTokens, total.cost + r.cost, total.seconds + r.seconds, null);
    }
    return total;
  }

  @Override
  public Map<String, GenerationReport> llmCalls() {
    return Map.of("answers", this);
  }

  /**
   * Whether a later run could still do more: requests that may succeed when asked again, or that
   * the budget kept back. Such a run is committed but never counts as up to date.
   */
  public boolean leftWorkUndone() {
    return errorsToRetry > 0 || notSent > 0;
  }
}
