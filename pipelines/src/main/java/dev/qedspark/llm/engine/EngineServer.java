package dev.qedspark.llm.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link LlamaEngine} over the OpenAI-compatible HTTP API, on 127.0.0.1 unless told
 * otherwise (a fleet server on a CPU worker listens on the worker's address):
 * {@code GET /health}, {@code GET /v1/models}, {@code POST /v1/chat/completions}. Jobs talk to the
 * embedded engine through this server, so one HTTP path serves a laptop and a GPU fleet alike.
 */
public final class EngineServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EngineServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs
    // and each response waits ~40 ms. Read once, when the first server in the JVM starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService workers;
  private final LlamaEngine engine;

  private EngineServer(HttpServer server, ExecutorService workers, LlamaEngine engine) {
    this.server = server;
    this.workers = workers;
    this.engine = engine;
  }

  /** Starts serving on 127.0.0.1 (see {@link #start(LlamaEngine, String, int, int)}). */
  public static EngineServer start(LlamaEngine engine, int port, int threads) throws IOException {
    return start(engine, "127.0.0.1", port, threads);
  }

  /**
   * Starts serving.
   *
   * @param host the address to listen on
   * @param port the port; 0 for any free one
   * @param threads requests handled at once (more than the engine's slots only queue)
   */
  public static EngineServer start(LlamaEngine engine, String host, int port, int threads) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 256);
    ExecutorService workers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "qed-engine-http");
      t.setDaemon(true);
      return t;
    });
    EngineServer s = new EngineServer(server, workers, engine);
    server.createContext("/", s::handle);
    server.setExecutor(workers);
    server.start();
    LOG.info("engine: serving {} at {}", engine.modelName(), s.baseUrl());
    return s;
  }

  /** The API root, e.g. {@code http://127.0.0.1:43121/v1}. */
  public String baseUrl() {
    return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/v1";
  }

  public LlamaEngine engine() {
    return engine;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath().replaceAll("/+$", "");
      String method = exchange.getRequestMethod();
      switch (path) {
        case "/health" -> reply(exchange, 200, JSON.createObjectNode().put("status", "ok"));
        case "/v1/models" -> {
          ObjectNode list = JSON.createObjectNode().put("object", "list");
          list.putArray("data").addObject().put("id", engine.modelName()).put("object", "model").put("owned_by", "qed-spark");
          reply(exchange, 200, list);
        }
        case "/v1/chat/completions" -> {
          if (!method.equals("POST")) {
            error(exchange, 405, "use POST for /v1/chat/completions");
            return;
          }
          chat(exchange);
        }
        default -> error(exchange, 404, "no route " + method + " " + path + "; this server has /health, /v1/models, /v1/chat/completions");
      }
    } catch (RuntimeException e) {
      LOG.warn("engine: request failed", e);
    }
  }

  private void chat(HttpExchange exchange) throws IOException {
    JsonNode body;
    try {
      body = JSON.readTree(exchange.getRequestBody());
    } catch (IOException e) {
      error(exchange, 400, "request body is not JSON: " + e.getMessage());
      return;
    }
    if (body == null || !body.path("messages").isArray()) {
      error(exchange, 400, "request body needs a messages array");
      return;
    }
    String requested = body.path("model").asText("");
    if (!requested.isEmpty() && !requested.equals(engine.modelName())) {
      error(exchange, 404, "model '" + requested + "' is not served here; this server has '" + engine.modelName() + "'");
      return;
    }
    try {
      reply(exchange, 200, engine.chat(body));
    } catch (IllegalArgumentException e) {
      error(exchange, 400, e.getMessage());
    } catch (RuntimeException e) {
      error(exchange, 500, "engine failed: " + e);
    }
  }

  private static void error(HttpExchange exchange, int status, String message) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("message", message).put("code", status);
    reply(exchange, status, body);
  }

  private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Stops serving and unloads the model. */
  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    engine.close();
  }
}
