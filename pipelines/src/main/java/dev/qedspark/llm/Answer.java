package dev.qedspark.llm;

import java.io.Serializable;

/**
 * How one request ended: its response (fresh or from the cache), or why there is none.
 *
 * @param request the request
 * @param response the response JSON text; null when it failed or was not sent
 * @param status for a request without a response: {@link Generation#ERROR} or {@link Generation#NOT_SENT}
 * @param error why there is no response
 */
record Answer(PreparedRequest request, String response, long latencyMs, int attempts, boolean cached, String status, String error)
    implements Serializable {

  static Answer of(PreparedRequest request, String response, long latencyMs, int attempts, boolean cached) {
    return new Answer(request, response, latencyMs, attempts, cached, null, null);
  }

  static Answer failed(PreparedRequest request, String status, String error, int attempts) {
    return new Answer(request, null, 0, attempts, false, status, error);
  }
}
