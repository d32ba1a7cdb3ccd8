package dev.qedspark.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible server on loopback with {@code slots} request slots, each answering a
 * chat completion after a fixed delay: at most slots / delay requests per second, reached only by
 * a client that keeps every slot busy. Counts requests and the most ever in flight.
 */
final class SlotServer implements AutoCloseable {
  static {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final byte[] ANSWER = ("{\"id\":\"bench\",\"object\":\"chat.completion\",\"model\":\"bench-model\",\"choices\":[{\"index\":0,"
      + "\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":\"The answer is 42.\"}}],"
      + "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":6,\"total_tokens\":26}}").getBytes(StandardCharsets.UTF_8);
  private static final byte[] MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"bench-model\",\"object\":\"model\"}]}"
      .getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  private final ExecutorService slots;
  private final long delayMs;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger mostInFlight = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();

  SlotServer(int slots, long delayMs) throws IOException {
    this.delayMs = delayMs;
    this.slots = Executors.newFixedThreadPool(slots);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    server.setExecutor(this.slots);
    server.createContext("/v1/chat/completions", this::complete);
    server.createContext("/v1/models", exchange -> reply(exchange, MODELS));
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  int answered() {
    return answered.get();
  }

  int mostInFlight() {
    return mostInFlight.get();
  }

  private void complete(HttpExchange exchange) throws IOException {
    int now = inFlight.incrementAndGet();
    mostInFlight.accumulateAndGet(now, Math::max);
    try (InputStream body = exchange.getRequestBody()) {
      body.readAllBytes();
      Thread.sleep(delayMs);
      reply(exchange, ANSWER);
      answered.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.close();
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private static void reply(HttpExchange exchange, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    slots.shutdownNow();
  }
}
