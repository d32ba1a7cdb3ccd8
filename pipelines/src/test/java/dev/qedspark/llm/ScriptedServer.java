package dev.qedspark.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A test double for a remote OpenAI-compatible server, on 127.0.0.1: each request is answered by
 * a script that sees the request body and how many times a request with that prompt was seen,
 * and may answer, fail with a status (and Retry-After), answer late, send a broken body or drop
 * the connection. It counts every request it receives.
 */
public final class ScriptedServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  static {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs
    // and each response waits ~40 ms.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  /** What to do with one request. */
  public record Reply(int status, String body, String retryAfter, long delayMs, boolean drop) {
    public static Reply ok(String content) {
      return ok(content, "stop");
    }

    public static Reply ok(String content, String finishReason) {
      ObjectNode response = JSON.createObjectNode();
      response.put("id", "chatcmpl-test").put("object", "chat.completion").put("model", "scripted-model");
      ObjectNode choice = response.putArray("choices").addObject();
      choice.put("index", 0).put("finish_reason", finishReason);
      choice.putObject("message").put("role", "assistant").put("content", content);
      response.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", content.length()).put("total_tokens", 10 + content.length());
      return new Reply(200, response.toString(), null, 0, false);
    }

    /** One response with a choice per content, as a server answers a request with {@code n}. */
    public static Reply choices(List<String> contents) {
      ObjectNode response = JSON.createObjectNode();
      response.put("id", "chatcmpl-test").put("object", "chat.completion").put("model", "scripted-model");
      var array = response.putArray("choices");
      int tokens = 0;
      for (int i = 0; i < contents.size(); i++) {
        ObjectNode choice = array.addObject();
        choice.put("index", i).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", contents.get(i));
        tokens += contents.get(i).length();
      }
      response.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", tokens).put("total_tokens", 10 + tokens);
      return new Reply(200, response.toString(), null, 0, false);
    }

    public static Reply status(int status, String message) {
      return new Reply(status, "{\"error\": {\"message\": \"" + message + "\"}}", null, 0, false);
    }

    public static Reply tooManyRequests(String retryAfter) {
      return new Reply(429, "{\"error\": {\"message\": \"slow down\"}}", retryAfter, 0, false);
    }

    public static Reply malformed() {
      return new Reply(200, "{\"choices\": [{\"message\": ", null, 0, false);
    }

    public static Reply dropped() {
      return new Reply(0, null, null, 0, true);
    }

    public Reply after(long delayMs) {
      return new Reply(status, body, retryAfter, delayMs, drop);
    }
  }

  private final HttpServer server;
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "scripted-server");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger mostActive = new AtomicInteger();
  private final java.util.Queue<Long> arrivals = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final Map<String, AtomicInteger> byPrompt = new ConcurrentHashMap<>();
  private final java.util.Queue<String> authorizations = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final BiFunction<JsonNode, Integer, Reply> script;
  private volatile long maxModelLen;

  /** @param script gets the request body and the 1-based count of requests with its prompt */
  public ScriptedServer(BiFunction<JsonNode, Integer, Reply> script) throws IOException {
    this.script = script;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
    server.createContext("/v1/chat/completions", this::handle);
    server.createContext("/v1/models", exchange -> {
      String context = maxModelLen > 0 ? ", \"max_model_len\": " + maxModelLen : "";
      byte[] body = ("{\"object\": \"list\", \"data\": [{\"id\": \"scripted-model\"" + context + "}]}").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.setExecutor(workers);
    server.start();
  }

  /** Reports {@code tokens} as the model's {@code max_model_len} on {@code /v1/models}, as vLLM does (0: not reported). */
  public ScriptedServer maxModelLen(long tokens) {
    this.maxModelLen = tokens;
    return this;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Requests received so far. */
  public int requests() {
    return requests.get();
  }

  /** The most requests that were being handled at the same time. */
  public int mostConcurrent() {
    return mostActive.get();
  }

  /** Arrival times (System.nanoTime) of all requests, in order. */
  public List<Long> arrivals() {
    List<Long> sorted = new java.util.ArrayList<>(arrivals);
    sorted.sort(null);
    return sorted;
  }

  /** Requests received for the prompt (last message's content). */
  public int requestsFor(String prompt) {
    AtomicInteger n = byPrompt.get(prompt);
    return n == null ? 0 : n.get();
  }

  public static String prompt(JsonNode body) {
    JsonNode messages = body.path("messages");
    return messages.path(messages.size() - 1).path("content").asText() + "#" + body.path("seed").asText("");
  }

  private void handle(HttpExchange exchange) throws IOException {
    arrivals.add(System.nanoTime());
    mostActive.accumulateAndGet(active.incrementAndGet(), Math::max);
    try {
      respond(exchange);
    } finally {
      active.decrementAndGet();
    }
  }

  /** The Authorization header of every request, in arrival order ("" when absent). */
  public List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  private void respond(HttpExchange exchange) throws IOException {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    authorizations.add(authorization == null ? "" : authorization);
    JsonNode body = JSON.readTree(exchange.getRequestBody());
    requests.incrementAndGet();
    int seen = byPrompt.computeIfAbsent(prompt(body), k -> new AtomicInteger()).incrementAndGet();
    Reply reply = script.apply(body, seen);
    if (reply.delayMs() > 0) {
      try {
        Thread.sleep(reply.delayMs());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (reply.drop()) {
      exchange.getRequestBody().close();
      exchange.close();
      return;
    }
    byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    if (reply.retryAfter() != null) {
      exchange.getResponseHeaders().set("Retry-After", reply.retryAfter());
    }
    try {
      exchange.sendResponseHeaders(reply.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException clientGone) {
      // the client timed out and closed the connection first
    }
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
