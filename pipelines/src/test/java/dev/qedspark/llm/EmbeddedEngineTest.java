package dev.qedspark.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qedspark.llm.engine.EngineServer;
import dev.qedspark.llm.engine.EngineSettings;
import dev.qedspark.llm.engine.LlamaEngine;
import dev.qedspark.llm.engine.TinyModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real in-process llama.cpp engine with the project's tiny model, in-process and over HTTP. */
class EmbeddedEngineTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  private static EngineServer server;

  @BeforeAll
  static void start() throws Exception {
    server = EngineServer.start(LlamaEngine.load(new EngineSettings("", 4, 4096, 2), dir), 0, 8);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static ObjectNode body(String prompt, int maxTokens) {
    ObjectNode body = JSON.createObjectNode().put("max_tokens", maxTokens).put("temperature", 0.0).put("seed", 1);
    body.putArray("messages").addObject().put("role", "user").put("content", prompt);
    return body;
  }

  @Test
  void theTinyModelIsSmallAndWrittenTheSameEveryTime() throws Exception {
    Path a = TinyModel.write(dir.resolve("a.gguf"));
    Path b = TinyModel.write(dir.resolve("b.gguf"));
    assertTrue(Files.size(a) < 1_000_000, "a few hundred KB: " + Files.size(a));
    assertTrue(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)));
  }

  @Test
  void greedyAnswersAreDeterministicAndCounted() {
    LlamaEngine engine = server.engine();
    JsonNode first = engine.chat(body("Prove that 1 + 1 = 2.", 24));
    JsonNode second = engine.chat(body("Prove that 1 + 1 = 2.", 24));
    Completion c = Completion.of(first, 0);
    assertEquals(c.content(), Completion.of(second, 0).content());
    assertTrue(c.promptTokens() > 5, "prompt tokens: " + c.promptTokens());
    assertTrue(c.completionTokens() > 0 && c.completionTokens() <= 24 + 2, "completion tokens: " + c.completionTokens());
    assertEquals(TinyModel.NAME, first.path("model").asText());
  }

  @Test
  void theServerSpeaksTheOpenAiApi() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String root = server.baseUrl().replace("/v1", "");
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(root + "/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode());
    HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(TinyModel.NAME, JSON.readTree(models.body()).path("data").path(0).path("id").asText());

    OpenAiClient client = new OpenAiClient(server.baseUrl(), null, Map.of(), Duration.ofSeconds(2), Duration.ofSeconds(60),
        new RetrySettings(1, 0, 0, 60));
    Exchange ok = client.send(body("Find all n.", 16).put("model", TinyModel.NAME)).get();
    assertTrue(ok.ok(), ok.error());
    assertEquals(Completion.of(server.engine().chat(body("Find all n.", 16)), 0).content(), Completion.of(ok.response(), 0).content(),
        "the same answer in-process and over HTTP");
    Exchange wrongModel = client.send(body("x", 4).put("model", "gpt-4o")).get();
    assertEquals(404, wrongModel.httpStatus());
    assertTrue(wrongModel.error().contains("not served here"), wrongModel.error());
    Exchange noMessages = client.send(JSON.createObjectNode().put("model", TinyModel.NAME)).get();
    assertEquals(400, noMessages.httpStatus());
  }

  /** Requests decoded side by side in the slots get exactly the answers they get alone. */
  @Test
  void parallelRequestsShareTheSlotsWithoutMixingTheirAnswers() throws Exception {
    OpenAiClient client = new OpenAiClient(server.baseUrl(), null, Map.of(), Duration.ofSeconds(2), Duration.ofSeconds(120),
        new RetrySettings(1, 0, 0, 120));
    int n = 8;
    List<String> alone = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Exchange e = client.send(body("Problem " + i, 24)).get();
      assertTrue(e.ok(), e.error());
      alone.add(Completion.of(e.response(), 0).content());
    }
    List<CompletableFuture<Exchange>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(client.send(body("Problem " + i, 24)));
    }
    List<String> together = new ArrayList<>();
    for (CompletableFuture<Exchange> f : futures) {
      assertTrue(f.get().ok(), f.get().error());
      together.add(Completion.of(f.get().response(), 0).content());
    }
    assertEquals(alone, together);
    assertTrue(alone.stream().distinct().count() > 1, "different prompts, different answers: " + alone);
    client.close();
  }
}
