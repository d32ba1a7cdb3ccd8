package dev.qedspark.llm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How one request ended after all its tries.
 *
 * @param httpStatus the last HTTP status, 0 if no answer came
 * @param response the parsed JSON answer when the request succeeded, else null
 * @param error why it failed, null on success
 * @param attempts how many times it was sent
 * @param latencyMs from the first send to the end, waits included
 */
public record Exchange(int httpStatus, JsonNode response, String error, int attempts, long latencyMs) {
  public boolean ok() {
    return error == null;
  }
}
