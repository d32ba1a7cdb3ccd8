package dev.qedspark.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenAiClientTest {
  private static final RetrySettings FAST_RETRIES = new RetrySettings(4, 20, 200, 30);

  private static OpenAiClient client(ScriptedServer server, RetrySettings retry, Duration readTimeout) {
    return new OpenAiClient(server.baseUrl(), "sk-test-secret", Map.of("X-Run", "test"), Duration.ofSeconds(2), readTimeout, retry);
  }

  private static ObjectNode body(String prompt) {
    ObjectNode body = ScriptedServer.JSON.createObjectNode().put("model", "scripted-model");
    body.putArray("messages").addObject().put("role", "user").put("content", prompt);
    return body;
  }

  @Test
  void transientFailuresAreRetriedUntilAnAnswerComes() throws Exception {
    try (ScriptedServer server = new ScriptedServer((body, seen) -> switch (seen) {
      case 1 -> ScriptedServer.Reply.status(500, "overloaded");
      case 2 -> ScriptedServer.Reply.malformed();
      case 3 -> ScriptedServer.Reply.dropped();
      default -> ScriptedServer.Reply.ok("fine");
    })) {
      Exchange exchange = client(server, FAST_RETRIES, Duration.ofSeconds(5)).send(body("p")).get();
      assertTrue(exchange.ok(), exchange.error());
      assertEquals(4, exchange.attempts());
      assertEquals(4, server.requests());
      assertEquals("fine", Completion.of(exchange.response(), 0).content());
    }
  }

  @Test
  void retryAfterIsHonoured() throws Exception {
    try (ScriptedServer server = new ScriptedServer((body, seen) ->
        seen == 1 ? ScriptedServer.Reply.tooManyRequests("1") : ScriptedServer.Reply.ok("after the wait"))) {
      long started = System.nanoTime();
      Exchange exchange = client(server, FAST_RETRIES, Duration.ofSeconds(5)).send(body("p")).get();
      long waitedMs = (System.nanoTime() - started) / 1_000_000;
      assertTrue(exchange.ok(), exchange.error());
      assertTrue(waitedMs >= 1000, "waited " + waitedMs + " ms, the server asked for 1 s");
      assertEquals(2, server.requests());
    }
  }

  @Test
  void aSlowAnswerTimesOutAndIsRetried() throws Exception {
    try (ScriptedServer server = new ScriptedServer((body, seen) ->
        seen == 1 ? ScriptedServer.Reply.ok("late").after(1500) : ScriptedServer.Reply.ok("in time"))) {
      Exchange exchange = client(server, FAST_RETRIES, Duration.ofMillis(500)).send(body("p")).get();
      assertTrue(exchange.ok(), exchange.error());
      assertEquals("in time", Completion.of(exchange.response(), 0).content());
      assertEquals(2, exchange.attempts());
    }
  }

  @Test
  void retriesAreBoundedAndTheLastReasonIsKept() throws Exception {
    try (ScriptedServer server = new ScriptedServer((body, seen) -> ScriptedServer.Reply.status(503, "down for maintenance"))) {
      Exchange exchange = client(server, FAST_RETRIES, Duration.ofSeconds(5)).send(body("p")).get();
      assertEquals(503, exchange.httpStatus());
      assertNull(exchange.response());
      assertEquals(4, exchange.attempts());
      assertEquals(4, server.requests(), "no more tries than max-attempts");
      assertTrue(exchange.error().contains("gave up after 4 attempts") && exchange.error().contains("down for maintenance"), exchange.error());
    }
  }

  @Test
  void clientErrorsFailAtOnceWithTheServersMessage() throws Exception {
    try (ScriptedServer server = new ScriptedServer((body, seen) -> ScriptedServer.Reply.status(400, "max_tokens is too large"))) {
      Exchange exchange = client(server, FAST_RETRIES, Duration.ofSeconds(5)).send(body("p")).get();
      assertEquals("HTTP 400: max_tokens is too large", exchange.error());
      assertEquals(1, server.requests());
    }
  }

  @Test
  void anUnreachableServerIsAnErrorNotAnException() throws Exception {
    OpenAiClient client = new OpenAiClient("http://127.0.0.1:9/v1", null, Map.of(), Duration.ofMillis(300),
        Duration.ofSeconds(1), new RetrySettings(2, 10, 20, 10));
    Exchange exchange = client.send(body("p")).get();
    assertTrue(exchange.error().contains("connection failed"), exchange.error());
    assertEquals(2, exchange.attempts());
  }

  @Test
  void aFleetSharesRequestsByLoadAndADeadServersRequestsGoToTheOthers() throws Exception {
    try (ScriptedServer a = new ScriptedServer((body, seen) -> ScriptedServer.Reply.ok("a").after(150));
        ScriptedServer b = new ScriptedServer((body, seen) -> ScriptedServer.Reply.ok("b").after(150))) {
      OpenAiClient client = new OpenAiClient(java.util.List.of(a.baseUrl(), b.baseUrl(), "http://127.0.0.1:9/v1"), null, Map.of(),
          Duration.ofMillis(500), Duration.ofSeconds(5), FAST_RETRIES);
      java.util.List<java.util.concurrent.CompletableFuture<Exchange>> sent = new java.util.ArrayList<>();
      for (int i = 0; i < 24; i++) {
        sent.add(client.send(body("p" + i)));
      }
      for (var f : sent) {
        assertTrue(f.get().ok(), f.get().error());
      }
      assertEquals(24, a.requests() + b.requests(), "the dead third server's requests went to the live two");
      assertTrue(Math.abs(a.requests() - b.requests()) <= 4, "least outstanding spreads the load: " + a.requests() + " vs " + b.requests());
      b.close();
      int before = a.requests();
      for (int i = 0; i < 6; i++) {
        Exchange e = client.send(body("q" + i)).get();
        assertTrue(e.ok(), "a server stopped mid-run loses no request: " + e.error());
      }
      assertEquals(before + 6, a.requests());
    }
  }
}
