package dev.qedspark.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.io.DatasetReader;
import dev.qedspark.spark.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationRunnerTest extends SparkTestBase {
  @TempDir Path dir;

  static LlmSettings settings(int concurrency, BudgetSettings budget) {
    LlmSettings d = LlmSettings.DEFAULTS;
    return new LlmSettings(d.endpoint(), d.model(), d.apiKeyEnv(), d.headers(), 2, 5, 256, 0.0, 1.0, -1, 7, List.of(),
        Map.of(), concurrency, 0, new RetrySettings(4, 10, 50, 30), d.cacheDir(), 1,
        Map.of("scripted-model", new Price(1.0, 2.0)), budget, d.engine());
  }

  static Dataset<Row> requests(int n, int samples) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < samples; s++) {
        rows.add(GenerationRequest.SCHEMA.toRow(new GenerationRequest("r" + i,
            List.of(new ChatMessage("system", "Be rigorous."), new ChatMessage("user", "p" + i)), s, null)));
      }
    }
    return spark.createDataFrame(rows, GenerationRequest.SCHEMA.schema());
  }

  private GenerationReport run(ScriptedServer server, Dataset<Row> requests, LlmSettings settings, String name) {
    return GenerationRunner.of(spark, requests)
        .endpoint(new Endpoint(server.baseUrl(), "scripted-model", server.baseUrl()))
        .settings(settings).cacheDir(dir.resolve("cache").toString()).into(dir.resolve(name).toString()).execute();
  }

  private static List<Generation> generations(String path) {
    return DatasetReader.read(spark, path).collectAsList().stream().map(Generation.SCHEMA::fromRow).toList();
  }

  private static String number(com.fasterxml.jackson.databind.JsonNode body) {
    return body.path("messages").path(1).path("content").asText().substring(1);
  }

  @Test
  void everyRequestEndsAsExactlyOneRowWhateverTheServerDoes() throws IOException {
    ScriptedServer.Reply ok = ScriptedServer.Reply.ok("answer");
    try (ScriptedServer server = new ScriptedServer((body, seen) -> switch (Integer.parseInt(number(body)) % 5) {
      case 0 -> ScriptedServer.Reply.status(500, "broken");
      case 1 -> seen == 1 ? ScriptedServer.Reply.tooManyRequests("0") : ok;
      case 2 -> seen == 1 ? ScriptedServer.Reply.dropped() : ok;
      case 3 -> ScriptedServer.Reply.status(400, "bad prompt");
      default -> seen == 1 ? ScriptedServer.Reply.malformed() : ScriptedServer.Reply.ok("<think>hmm</think>Proof.", "length");
    })) {
      GenerationReport report = run(server, requests(20, 1), settings(4, BudgetSettings.DEFAULTS), "gen");

      List<Generation> rows = generations(report.path());
      assertEquals(20, rows.size());
      assertEquals(20, rows.stream().map(Generation::requestId).distinct().count(), "no row lost or duplicated");
      Map<String, Long> byStatus = rows.stream().collect(Collectors.groupingBy(Generation::status, TreeMap::new, Collectors.counting()));
      assertEquals(Map.of("error", 8L, "ok", 8L, "truncated", 4L), byStatus);
      StringBuilder counts = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        counts.append(" p").append(i).append('=').append(server.requestsFor("p" + i + "#7"));
      }
      assertEquals(44, server.requests(), counts + ": 4 tries for each 500, 2 for each retried fault, 1 for each 400");
      Generation broken = rows.stream().filter(g -> g.requestId().equals("r5")).findFirst().orElseThrow();
      assertTrue(broken.error().contains("gave up after 4 attempts") && broken.error().contains("broken"), broken.error());
      Generation rejected = rows.stream().filter(g -> g.requestId().equals("r3")).findFirst().orElseThrow();
      assertEquals("HTTP 400: bad prompt", rejected.error());
      Generation truncated = rows.stream().filter(g -> g.requestId().equals("r4")).findFirst().orElseThrow();
      assertEquals("hmm", truncated.reasoningContent());
      assertEquals("Proof.", truncated.proof());
      assertEquals(2, truncated.attempts());
      assertEquals(20, report.sent());
      assertEquals(8, report.errors());
      assertEquals((10 * 1.0 + 24 * 2.0) / 1e6, truncated.cost(), 1e-12);
    }
  }

  @Test
  void aRunStoppedMidwayIsResumedWithoutSendingAnythingThatHadFinished() throws Exception {
    int n = 30;
    Path cache = dir.resolve("cache");
    try (ScriptedServer server = new ScriptedServer((body, seen) -> ScriptedServer.Reply.ok("answer " + number(body)).after(40))) {
      Thread killer = new Thread(() -> {
        long deadline = System.currentTimeMillis() + 60_000;
        while (server.requests() < 10 && System.currentTimeMillis() < deadline) {
          Thread.onSpinWait();
        }
        spark.sparkContext().cancelAllJobs();
      });
      killer.start();
      Exception stopped = assertThrows(Exception.class, () -> run(server, requests(n, 1), settings(2, BudgetSettings.DEFAULTS), "gen"));
      killer.join();
      assertTrue(String.valueOf(stopped.getMessage()).contains("cancel"), "stopped by the kill, not by a bug: " + stopped);
      long cachedAfterKill = cacheLines(cache);
      int sentBeforeKill = server.requests();
      assertTrue(cachedAfterKill >= 1 && cachedAfterKill < n, "the kill came midway: " + cachedAfterKill + " cached");

      GenerationReport resumed = run(server, requests(n, 1), settings(2, BudgetSettings.DEFAULTS), "gen");
      assertEquals(cachedAfterKill, resumed.cacheHits());
      assertEquals(n - cachedAfterKill, server.requests() - sentBeforeKill, "only the unfinished requests are sent again");

      Map<String, String> resumedAnswers = answers(resumed.path());
      try (ScriptedServer fresh = new ScriptedServer((body, seen) -> ScriptedServer.Reply.ok("answer " + number(body)))) {
        GenerationReport uninterrupted = GenerationRunner.of(spark, requests(n, 1))
            .endpoint(new Endpoint(fresh.baseUrl(), "scripted-model", fresh.baseUrl()))
            .settings(settings(2, BudgetSettings.DEFAULTS)).cacheDir(dir.resolve("other-cache").toString())
            .into(dir.resolve("uninterrupted").toString()).execute();
        assertEquals(answers(uninterrupted.path()), resumedAnswers);
      }
    }
  }

  @Test
  void samplesOfOnePromptAreDistinctRequestsWithTheirOwnSeeds() throws IOException {
    try (ScriptedServer server = new ScriptedServer((body, seen) -> ScriptedServer.Reply.ok("seed " + body.path("seed").asText()))) {
      GenerationReport report = run(server, requests(3, 4), settings(4, BudgetSettings.DEFAULTS), "gen");
      List<Generation> rows = generations(report.path());
      assertEquals(12, rows.size());
      assertEquals(12, rows.stream().map(Generation::cacheKey).distinct().count());
      assertEquals(List.of("seed 7", "seed 8", "seed 9", "seed 10"), rows.stream().filter(g -> g.requestId().equals("r1"))
          .sorted(java.util.Comparator.comparingInt(Generation::sampleIndex)).map(Generation::completion).toList());

      GenerationReport again = run(server, requests(3, 4), settings(4, BudgetSettings.DEFAULTS), "gen2");
      assertEquals(12, again.cacheHits());
      assertEquals(0, again.sent());
      assertEquals(12, server.requests(), "a second run is served from the cache");
    }
  }

  @Test
  void aBudgetStopsSendingAndALargerOneFinishesTheRest() throws IOException {
    try (ScriptedServer server = new ScriptedServer((body, seen) -> ScriptedServer.Reply.ok("x".repeat(40)))) {
      GenerationReport limited = run(server, requests(10, 1), settings(1, new BudgetSettings(120, 0)), "gen");
      List<Generation> rows = generations(limited.path());
      assertEquals(10, rows.size());
      long notSent = rows.stream().filter(g -> g.status().equals(Generation.NOT_SENT)).count();
      assertTrue(notSent >= 5, "each answer costs 50 tokens, so at most 3 + 2 in flight are sent: " + notSent + " not sent");
      assertTrue(rows.stream().filter(g -> g.status().equals(Generation.NOT_SENT)).allMatch(g -> g.error().startsWith("token budget reached")));
      assertEquals(10 - notSent, server.requests());

      GenerationReport rest = run(server, requests(10, 1), settings(4, BudgetSettings.DEFAULTS), "gen");
      assertEquals(10 - notSent, rest.cacheHits());
      assertEquals(notSent, rest.sent());
      assertEquals(10, rest.ok());
      assertEquals(10, server.requests());
    }
  }

  private static long cacheLines(Path cache) throws IOException {
    try (Stream<Path> files = Files.list(cache.resolve("segments"))) {
      long lines = 0;
      for (Path f : files.toList()) {
        lines += Files.readAllLines(f).stream().filter(l -> l.endsWith("}")).count();
      }
      return lines;
    }
  }

  private static Map<String, String> answers(String path) {
    return generations(path).stream().collect(Collectors.toMap(Generation::requestId, Generation::completion, (a, b) -> a, TreeMap::new));
  }
}
