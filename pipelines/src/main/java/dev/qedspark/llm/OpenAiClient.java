package dev.qedspark.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A client for OpenAI-compatible Chat Completions endpoints (vLLM, SGLang, llama.cpp server, TGI,
 * hosted APIs, and the embedded engine's server), asynchronous so that one thread keeps many
 * requests in flight.
 *
 * <p>Every request ends as an {@link Exchange}: a response, or an error with the reason. 429,
 * 5xx, time-outs, dropped connections and unreadable bodies are tried again with exponential
 * backoff and jitter, honouring Retry-After, within {@link RetrySettings#maxAttempts()} and
 * {@link RetrySettings#maxTotalSeconds()}; other 4xx answers fail at once with the server's
 * message. The API key is sent as a bearer token and never logged or returned.
 *
 * <p>With several servers (a fleet), each try goes to the live server with the fewest requests in
 * flight ({@link Replicas}); a connection that fails marks its server dead for a while and the
 * request is tried again at once on another.
 */
public final class OpenAiClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Replicas replicas;
  private final Map<String, String> headers;
  private final String apiKey;
  private final Duration readTimeout;
  private final RetrySettings retry;
  private final HttpClient http;
  private final ExecutorService executor;

  /** One server. */
  public OpenAiClient(String baseUrl, String apiKey, Map<String, String> headers,
      Duration connectTimeout, Duration readTimeout, RetrySettings retry) {
    this(List.of(baseUrl), apiKey, headers, connectTimeout, readTimeout, retry);
  }

  /**
   * @param baseUrls the API roots, e.g. {@code http://127.0.0.1:8000/v1}: one server or a fleet's
   * @param apiKey the key, or null for servers that need none
   */
  public OpenAiClient(List<String> baseUrls, String apiKey, Map<String, String> headers,
      Duration connectTimeout, Duration readTimeout, RetrySettings retry) {
    this.replicas = new Replicas(baseUrls);
    this.apiKey = apiKey;
    this.headers = Map.copyOf(headers);
    this.readTimeout = readTimeout;
    this.retry = retry;
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "qed-http");
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder()
        .executor(executor)
        .connectTimeout(connectTimeout)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  /** Sends one Chat Completions body; the future never fails, it holds an {@link Exchange}. */
  public CompletableFuture<Exchange> send(ObjectNode body) {
    byte[] payload;
    try {
      payload = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      return CompletableFuture.completedFuture(new Exchange(0, null, "cannot encode request: " + e.getMessage(), 0, 0));
    }
    long started = System.nanoTime();
    return attempt(payload, 1, started);
  }

  private CompletableFuture<Exchange> attempt(byte[] payload, int attempt, long started) {
    Replicas.Server server = replicas.pick();
    CompletableFuture<HttpResponse<String>> sent;
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl + "/chat/completions"))
          .timeout(readTimeout)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
      headers.forEach(request::header);
      if (apiKey != null && !apiKey.isEmpty()) {
        request.header("Authorization", "Bearer " + apiKey);
      }
      sent = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (RuntimeException e) { // e.g. a header the HTTP client refuses: the request never left
      replicas.done(server);
      return CompletableFuture.completedFuture(new Exchange(0, null, "cannot send the request: " + e.getMessage(), attempt, elapsedMs(started)));
    }
    return sent
        .handle((response, failure) -> {
          replicas.done(server);
          Outcome outcome = outcome(response, failure, attempt, started);
          if (outcome.serverDown()) {
            replicas.markDead(server);
          }
          return outcome;
        })
        .thenCompose(outcome -> {
          if (outcome.retryAfterMs() < 0) {
            return CompletableFuture.completedFuture(outcome.exchange());
          }
          long elapsedMs = elapsedMs(started);
          // A server that is down: another live server takes the request at once.
          boolean failOver = outcome.serverDown() && replicas.anotherAlive(server);
          long waitMs = failOver ? 0 : Math.max(outcome.retryAfterMs(), retry.backoffMs(attempt, ThreadLocalRandom.current().nextDouble()));
          if (attempt >= retry.maxAttempts() || elapsedMs + waitMs > retry.maxTotalSeconds() * 1000) {
            Exchange last = outcome.exchange();
            String why = attempt >= retry.maxAttempts() ? "gave up after " + attempt + " attempts" : "gave up after " + elapsedMs / 1000 + " s of retries";
            return CompletableFuture.completedFuture(new Exchange(last.httpStatus(), null, why + ": " + last.error(), attempt, elapsedMs));
          }
          Executor later = CompletableFuture.delayedExecutor(waitMs, TimeUnit.MILLISECONDS);
          return CompletableFuture.supplyAsync(() -> null, later).thenCompose(ignored -> attempt(payload, attempt + 1, started));
        });
  }

  /**
   * What one try gave, and whether (after how long at least) to try again: -1 means final.
   * {@code serverDown}: no connection was made (refused, reset, or not within the connect
   * time-out), unlike a slow answer.
   */
  private record Outcome(Exchange exchange, long retryAfterMs, boolean serverDown) {
    Outcome(Exchange exchange, long retryAfterMs) {
      this(exchange, retryAfterMs, false);
    }
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  private Outcome outcome(HttpResponse<String> response, Throwable failure, int attempt, long started) {
    long latency = elapsedMs(started);
    if (failure != null) {
      Throwable cause = unwrap(failure);
      boolean slow = cause instanceof HttpTimeoutException && !(cause instanceof java.net.http.HttpConnectTimeoutException);
      String what = slow ? "timed out after " + readTimeout.toSeconds() + " s"
          : cause instanceof java.net.http.HttpConnectTimeoutException ? "connection failed: no connection within the connect time-out"
          : "connection failed: " + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage());
      return new Outcome(new Exchange(0, null, what, attempt, latency), 0, !slow);
    }
    int status = response.statusCode();
    if (status == 200) {
      try {
        JsonNode json = JSON.readTree(response.body());
        if (json == null || !json.path("choices").isArray()) {
          return new Outcome(new Exchange(status, null, "response has no choices: " + abbreviate(response.body()), attempt, latency), 0);
        }
        return new Outcome(new Exchange(status, json, null, attempt, latency), -1);
      } catch (IOException e) {
        return new Outcome(new Exchange(status, null, "unreadable response body: " + abbreviate(response.body()), attempt, latency), 0);
      }
    }
    String message = "HTTP " + status + ": " + serverMessage(response.body());
    boolean retryable = status == 429 || status >= 500;
    long retryAfter = retryable ? retryAfterMs(response) : -1;
    return new Outcome(new Exchange(status, null, message, attempt, latency), retryAfter);
  }

  /** Retry-After as delta seconds or an HTTP date; 0 when absent or unreadable. */
  static long retryAfterMs(HttpResponse<?> response) {
    String value = response.headers().firstValue("Retry-After").orElse(null);
    if (value == null) {
      return 0;
    }
    try {
      return (long) (Double.parseDouble(value.trim()) * 1000);
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
      } catch (RuntimeException notADate) {
        return 0;
      }
    }
  }

  private static String serverMessage(String body) {
    try {
      JsonNode json = JSON.readTree(body);
      JsonNode message = json.path("error").path("message");
      if (message.isTextual()) {
        return message.asText();
      }
      if (json.path("error").isTextual()) {
        return json.path("error").asText();
      }
    } catch (IOException | RuntimeException ignored) {
      // not JSON: show the text itself
    }
    return abbreviate(body);
  }

  private static String abbreviate(String text) {
    if (text == null) return "";
    String oneLine = text.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
  }

  /** Stops the client's threads; requests still in flight fail. */
  @Override
  public void close() {
    executor.shutdownNow();
  }

  private static long elapsedMs(long started) {
    return (System.nanoTime() - started) / 1_000_000;
  }
}
