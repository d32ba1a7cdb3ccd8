package dev.qedspark.llm;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;

/**
 * When and how often a failed request is tried again: on 429, 5xx, time-outs, dropped
 * connections and unreadable responses, with exponential backoff and jitter, honouring the
 * server's Retry-After. Other 4xx answers fail at once.
 */
public record RetrySettings(
    @JsonPropertyDescription("tries per request, the first included") int maxAttempts,
    @JsonPropertyDescription("wait before the second try, in ms; doubles each try") long initialBackoffMs,
    @JsonPropertyDescription("longest wait between tries, in ms") long maxBackoffMs,
    @JsonPropertyDescription("give a request up after this many seconds of trying") long maxTotalSeconds)
    implements Serializable {

  public static final RetrySettings DEFAULTS = new RetrySettings(6, 500, 60_000, 1_800);

  public RetrySettings {
    if (maxAttempts < 1) throw new IllegalArgumentException("max-attempts must be at least 1, not " + maxAttempts);
    if (initialBackoffMs < 0 || maxBackoffMs < initialBackoffMs) {
      throw new IllegalArgumentException("need 0 <= initial-backoff-ms <= max-backoff-ms, not " + initialBackoffMs + " and " + maxBackoffMs);
    }
    if (maxTotalSeconds < 1) throw new IllegalArgumentException("max-total-seconds must be at least 1, not " + maxTotalSeconds);
  }

  /**
   * The wait before try {@code attempt + 1}: exponential, capped, with equal jitter (half fixed,
   * half random) so that many clients that failed together do not retry together.
   */
  long backoffMs(int attempt, double random) {
    double exponential = initialBackoffMs * Math.pow(2, attempt - 1);
    long capped = (long) Math.min(maxBackoffMs, exponential);
    return capped / 2 + (long) (random * (capped - capped / 2));
  }
}
