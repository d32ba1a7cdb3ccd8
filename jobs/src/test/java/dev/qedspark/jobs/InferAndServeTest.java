package dev.qedspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./qed infer} and {@code ./qed serve} with the real embedded engine and the tiny model. */
class InferAndServeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private int qed(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
    return Qed.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String[] withLocalSettings(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--set", "spark.master=local[2]", "--set", "llm.cache-dir=" + dir.resolve("cache"),
        "--set", "llm.max-tokens=12", "--set", "llm.temperature=0", "--set", "llm.engine.context=2048"));
    return all.toArray(String[]::new);
  }

  @Test
  void inferRunsABatchFileThroughTheEmbeddedEngineAndWritesBatchOutput() throws Exception {
    Path input = Files.writeString(dir.resolve("batch.jsonl"), String.join("\n",
        "{\"custom_id\": \"a\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", \"body\": {\"model\": \"any\", \"messages\": [{\"role\": \"user\", \"content\": \"Prove 1+1=2.\"}]}}",
        "{\"custom_id\": \"b\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", \"body\": {\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"Find n.\"}]}], \"max_tokens\": 4}}",
        "{\"custom_id\": \"c\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", \"body\": {\"messages\": [{\"role\": \"system\", \"content\": \"Only a system message.\"}]}}") + "\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = qed(out, err, withLocalSettings("infer", "--input", input.toString(), "--out", dir.resolve("run").toString(), "--concurrency", "2"));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("3 requests (3 rows) to qed-tiny-random"), printed);
    assertTrue(printed.contains(", 1 errors,"), "the system-only request fails, the others are answered: " + printed);
    assertTrue(printed.contains("meaningless"), "says plainly that the tiny model's outputs mean nothing: " + printed);

    Map<String, JsonNode> lines = Files.readAllLines(dir.resolve("run/output.jsonl")).stream().map(l -> {
      try {
        return JSON.readTree(l);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).collect(Collectors.toMap(l -> l.path("custom_id").asText(), l -> l, (x, y) -> x, TreeMap::new));
    assertEquals(List.of("a", "b", "c"), List.copyOf(lines.keySet()));
    assertEquals(200, lines.get("a").path("response").path("status_code").asInt());
    assertEquals("qed-tiny-random", lines.get("a").path("response").path("body").path("model").asText());
    assertTrue(lines.get("b").path("response").path("body").path("usage").path("completion_tokens").asInt() <= 4, "the body's max_tokens applies");
    assertTrue(lines.get("c").path("response").isNull());
    assertTrue(lines.get("c").path("error").path("message").asText().contains("HTTP 400"), lines.get("c").toString());
    assertTrue(Files.exists(dir.resolve("run/results/.manifest.json")));

    ByteArrayOutputStream again = new ByteArrayOutputStream();
    assertEquals(0, qed(again, new ByteArrayOutputStream(), withLocalSettings("infer", "--input", input.toString(), "--out", dir.resolve("run2").toString())));
    assertTrue(again.toString(StandardCharsets.UTF_8).contains("2 from the response cache, 1 sent"),
        "answered requests come from the cache; the failed one is tried again: " + again);
  }

  @Test
  void aBrokenBatchFileIsRejectedWholeBeforeAnythingIsSent() throws Exception {
    Path input = Files.writeString(dir.resolve("bad.jsonl"),
        "{\"custom_id\": \"a\", \"body\": {\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}}\n"
            + "{not json}\n"
            + "{\"custom_id\": \"a\", \"body\": {\"messages\": [{\"role\": \"user\", \"content\": \"y\"}]}}\n"
            + "{\"custom_id\": \"d\", \"url\": \"/v1/embeddings\", \"body\": {\"input\": \"z\"}}\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = qed(new ByteArrayOutputStream(), err, withLocalSettings("infer", "--input", input.toString(), "--out", dir.resolve("run").toString()));
    String message = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, message);
    assertTrue(message.contains("nothing was sent"), message);
    assertTrue(message.contains("line 2: not JSON"), message);
    assertTrue(message.contains("line 4: url '/v1/embeddings' is not supported"), message);
    assertTrue(message.contains("custom_id 'a' is used 2 times"), message);
    assertTrue(Files.notExists(dir.resolve("run/results")));
  }

  @Test
  void serveAnswersOnLoopbackUntilStopped() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread serving = new Thread(() -> qed(out, new ByteArrayOutputStream(), withLocalSettings("serve", "--port", String.valueOf(port))));
    serving.start();
    HttpClient http = HttpClient.newHttpClient();
    URI health = URI.create("http://127.0.0.1:" + port + "/health");
    HttpResponse<String> up = null;
    for (int i = 0; i < 200 && up == null; i++) {
      try {
        up = http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
      } catch (java.io.IOException notYet) {
        Thread.sleep(100);
      }
    }
    assertEquals(200, up.statusCode());
    HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 5}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, chat.statusCode(), chat.body());
    assertEquals("assistant", JSON.readTree(chat.body()).path("choices").path(0).path("message").path("role").asText());
    serving.interrupt();
    serving.join(10_000);
    assertTrue(!serving.isAlive(), "serve stops when interrupted");
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("serving qed-tiny-random at http://127.0.0.1:" + port + "/v1"), out.toString());
  }
}
