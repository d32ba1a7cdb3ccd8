package dev.qedspark.llm;

import dev.qedspark.stage.StageResult;
import java.io.PrintStream;
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
 * @param model the model that answered
 * @param tinyRandomModel whether that was the project's tiny random test model (its answers mean nothing)
 */
public record GenerationReport(
    long requests, long rows, long cacheHits, long sent, long ok, long truncated, long errors, long errorsToRetry, long notSent,
    long parseErrors, long promptTokens, long completionTokens, double cost, double seconds, String path, String model,
    boolean tinyRandomModel) implements LlmCalls, StageResult {

  /** The counts, tokens and cost of several calls added up (seconds too; no path). */
  public static GenerationReport sum(Collection<GenerationReport> reports) {
    GenerationReport total = new GenerationReport(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, false);
    for (GenerationReport r : reports) {
      total = new GenerationReport(total.requests + r.requests, total.rows + r.rows, total.cacheHits + r.cacheHits, total.sent + r.sent,
          total.ok + r.ok, total.truncated + r.truncated, total.errors + r.errors, total.errorsToRetry + r.errorsToRetry,
          total.notSent + r.notSent, total.parseErrors + r.parseErrors, total.promptTokens + r.promptTokens,
          total.completionTokens + r.completionTokens, total.cost + r.cost, total.seconds + r.seconds, null, null, false);
    }
    return total;
  }

  @Override
  public void print(PrintStream out) {
    out.printf("answers: %,d requests (%,d rows) to %s in %.1f s: %,d ok, %,d truncated, %,d errors, %,d not sent%s%n",
        requests, rows, model, seconds, ok, truncated, errors, notSent, parseErrors > 0 ? ", " + parseErrors + " unreadable by the parser" : "");
    out.printf("  %,d from the response cache, %,d sent; %,d prompt + %,d completion tokens, $%.4f%n",
        cacheHits, sent, promptTokens, completionTokens, cost);
    out.println("  generations: " + path);
    if (tinyRandomModel) {
      out.println("  note: " + OpenEndpoint.TINY_MODEL_NOTICE);
    }
  }

  /** What a dry run says of this call: the requests, what the cache answers, and the estimate for the rest. */
  public void printPlanned(String name, PrintStream out) {
    out.printf("  %-24s %,9d requests, %,9d cached, %,9d to send: ~%,d prompt + up to %,d completion tokens, up to $%.4f%s%n",
        name, requests, cacheHits, sent, promptTokens, completionTokens, cost, sent > 0 && cost == 0 ? " (no llm.prices for the model)" : "");
    if (errors > 0) {
      out.printf("  %-24s %,9d requests the prompt builder refuses (e.g. no reference to grade against): never sent%n", "", errors);
    }
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
