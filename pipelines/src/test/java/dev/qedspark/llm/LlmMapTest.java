package dev.qedspark.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.common.Status;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.spark.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlmMapTest extends SparkTestBase {
  private static final StructType INPUT = new StructType()
      .add("problem_id", DataTypes.StringType).add("judge", DataTypes.StringType).add("problem", DataTypes.StringType);
  private static final PromptBuilder ASK = row -> new Prompt(
      List.of(new ChatMessage("system", "Be rigorous."), new ChatMessage("user", row.getString(2))), null);

  @TempDir Path dir;

  static LlmSettings settings(int concurrency, BudgetSettings budget) {
    return LlmSettings.DEFAULTS.with(Map.of("connect-timeout-seconds", 2, "read-timeout-seconds", 5, "max-tokens", 256,
        "temperature", 0.0, "seed", 7, "concurrency", concurrency, "progress-seconds", 1,
        "retry", new RetrySettings(4, 10, 50, 30), "prices", Map.of("scripted-model", new Price(1.0, 2.0)), "budget", budget));
  }

  /** Rows p0, p1, ... keyed by (problem_id, judge): a composite key stays two columns. */
  static Dataset<Row> problems(int n) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create("r" + i, "j" + (i % 2), "p" + i));
    }
    return spark.createDataFrame(rows, INPUT);
  }

  private LlmMap map(ScriptedServer server, Dataset<Row> rows, LlmSettings settings, String name) {
    return map(server, rows, settings, name, dir.resolve("cache").toString());
  }

  private LlmMap map(ScriptedServer server, Dataset<Row> rows, LlmSettings settings, String name, String cacheDir) {
    return LlmMap.over(rows).keyedBy("problem_id", "judge").prompt("ask", "sha256:test", ASK)
        .role(new Role("model", settings, OpenEndpoint.of(new Endpoint(server.baseUrl(), "scripted-model", server.baseUrl())), cacheDir))
        .into(dir.resolve(name).toString());
  }

  private GenerationReport run(ScriptedServer server, Dataset<Row> rows, LlmSettings settings, String name) {
    return map(server, rows, settings, name).execute();
  }

  private static List<Row> rows(String path) {
    return DatasetReader.read(spark, path).orderBy("problem_id", "sample_index").collectAsList();
  }

  private static String number(com.fasterxml.jackson.databind.JsonNode body) {
    return body.path("messages").path(1).path("content").asText().substring(1);
  }

  @Test
  void aRunThatCannotFitTheServedContextStopsBeforeSendingAnything() throws IOException {
    try (ScriptedServer server = new ScriptedServer((body, seen) -> ScriptedServer.Reply.ok("answer")).maxModelLen(258)) {
      // 256 max_tokens plus about 3 prompt tokens ("Be rigorous." and "p10": 15 characters) do not fit 258.
      dev.qedspark.common.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(dev.qedspark.common.ConfigException.class,
          () -> run(server, problems(12), settings(4, BudgetSettings.DEFAULTS), "too-long"));
      assertTrue(e.getMessage().contains("max_tokens 256") && e.getMessage().contains("258-token context") && e.getMessage().contains("at most 255")
          && e.getMessage().contains("llm.roles.model.max-tokens"), e.getMessage());
      assertEquals(0, server.requests(), "nothing was sent");
      GenerationReport fits = run(server.maxModelLen(4096), problems(12), settings(4, BudgetSettings.DEFAULTS), "fits");
      assertEquals(12, fits.ok());
    }
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
      GenerationReport report = run(server, problems(20), settings(4, BudgetSettings.DEFAULTS), "gen");

      List<Row> rows = rows(report.path());
      assertEquals(20, rows.size());
      assertEquals(20, rows.stream().map(r -> r.getString(0)).distinct().count(), "no row lost or duplicated");
      Map<String, Long> byStatus = rows.stream().collect(Collectors.groupingBy(r -> r.<String>getAs("status"), TreeMap::new, Collectors.counting()));
      assertEquals(Map.of("error", 8L, "ok", 8L, "truncated", 4L), byStatus);
      assertEquals(44, server.requests(), "4 tries for each 500, 2 for each retried fault, 1 for each 400");
      Row broken = find(rows, "r5");
      assertTrue(broken.<String>getAs("error").contains("gave up after 4 attempts") && broken.<String>getAs("error").contains("broken"));
      assertEquals("HTTP 400: bad prompt", find(rows, "r3").getAs("error"));
      Row truncated = find(rows, "r4");
      assertEquals("hmm", truncated.getAs("reasoning_content"));
      assertEquals("Proof.", truncated.getAs("proof"));
      assertEquals(2, truncated.<Integer>getAs("attempts"));
      assertEquals("j0", truncated.getAs("judge"), "input columns pass through");
      assertEquals("sha256:test", truncated.getAs("prompt_sha256"), "every row names its prompt template");
      assertEquals(20, report.sent());
      assertEquals(8, report.errors());
      assertEquals((10 * 1.0 + 24 * 2.0) / 1e6, truncated.<Double>getAs("cost"), 1e-12);
      assertEquals(List.of("problem_id", "judge", "sample_index"), DatasetReader.manifest(spark, report.path()).keyColumns());
    }
  }

  /**
   * The fault suite's run: 30% of first tries fail, mixed (429 with Retry-After, 500, a garbage
   * body, a dropped connection, an answer slower than the read time-out), and one request in
   * twenty fails on every try. Every row ends as one row: answered, or an error that says why.
   */
  @Test
  void aThirdOfRequestsFailingInMixedWaysLeavesEveryRowAccountedFor() throws IOException {
    java.util.Random random = new java.util.Random(11);
    Map<Integer, Integer> faultOf = new TreeMap<>();
    for (int i = 0; i < 60; i++) {
      faultOf.put(i, random.nextDouble() < 0.3 ? random.nextInt(5) : -1);
    }
    ScriptedServer.Reply slow = new ScriptedServer.Reply(200, ScriptedServer.Reply.ok("late").body(), null, 2_500, false);
    try (ScriptedServer server = new ScriptedServer((body, seen) -> {
      int n = Integer.parseInt(number(body));
      if (n % 20 == 7) {
        return ScriptedServer.Reply.status(503, "overloaded");
      }
      if (seen > 1 || faultOf.get(n) < 0) {
        return ScriptedServer.Reply.ok("answer " + n);
      }
      return switch (faultOf.get(n)) {
        case 0 -> ScriptedServer.Reply.tooManyRequests("1");
        case 1 -> ScriptedServer.Reply.status(500, "internal");
        case 2 -> ScriptedServer.Reply.malformed();
        case 3 -> ScriptedServer.Reply.dropped();
        default -> slow;
      };
    })) {
      LlmSettings settings = settings(6, BudgetSettings.DEFAULTS).with(Map.of("read-timeout-seconds", 1));
      GenerationReport report = run(server, problems(60), settings, "faults");

      List<Row> rows = rows(report.path());
      assertEquals(60, rows.size(), "one row per request");
      assertEquals(60, rows.stream().map(r -> r.getString(0)).distinct().count(), "no row lost or duplicated");
      for (Row r : rows) {
        int n = Integer.parseInt(r.getString(0).substring(1));
        if (n % 20 == 7) {
          assertEquals("error", r.getAs("status"), r.getString(0));
          assertTrue(r.<String>getAs("error").contains("overloaded") && r.<String>getAs("error").contains("gave up after 4 attempts"), (String)
              r.getAs("error"));
        } else {
          assertEquals("ok", r.getAs("status"), r.getString(0) + ": " + r.getAs("error"));
          assertEquals("answer " + n, r.getAs("completion"), "the answer of this request, not of another");
        }
      }
      long faulted = faultOf.entrySet().stream().filter(e -> e.getValue() >= 0 && e.getKey() % 20 != 7).count();
      assertTrue(faulted >= 12, "about 30% of requests fault on their first try: " + faulted);
      assertEquals((57 - faulted) + 2 * faulted + 3 * 4, server.requests(), "one try per clean request, two per faulted one, four per hopeless one");
      assertEquals(3, report.errors());
    }
  }

  private static Row find(List<Row> rows, String id) {
    return rows.stream().filter(r -> r.getString(0).equals(id)).findFirst().orElseThrow();
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
      Exception stopped = assertThrows(Exception.class, () -> run(server, problems(n), settings(2, BudgetSettings.DEFAULTS), "gen"));
      killer.join();
      assertTrue(String.valueOf(stopped.getMessage()).contains("cancel"), "stopped by the kill, not by a bug: " + stopped);
      assertTrue(Files.notExists(dir.resolve("gen").resolve(LlmMap.GENERATIONS)), "nothing committed by the stopped run");
      // Tasks stop a moment after the job does: wait until nothing more arrives.
      for (int last = -1; server.requests() != last; Thread.sleep(500)) {
        last = server.requests();
      }
      long cachedAfterKill = cacheLines(cache);
      int sentBeforeKill = server.requests();
      assertTrue(cachedAfterKill >= 1 && cachedAfterKill < n, "the kill came midway: " + cachedAfterKill + " cached");

      GenerationReport resumed = run(server, problems(n), settings(2, BudgetSettings.DEFAULTS), "gen");
      // Requests in flight at the kill may still land in the cache a moment later: they count as finished too.
      assertTrue(resumed.cacheHits() >= cachedAfterKill, resumed.cacheHits() + " hits, " + cachedAfterKill + " cached at the kill");
      assertEquals(n - resumed.cacheHits(), server.requests() - sentBeforeKill, "only the unfinished requests are sent again");

      try (ScriptedServer fresh = new ScriptedServer((body, seen) -> ScriptedServer.Reply.ok("answer " + number(body)))) {
        GenerationReport uninterrupted = map(fresh, problems(n), settings(2, BudgetSettings.DEFAULTS), "uninterrupted",
            dir.resolve("other-cache").toString()).execute();
        assertEquals(answers(uninterrupted.path()), answers(resumed.path()));
      }
    }
  }

  /** Counts how many tasks the parser below has failed; tasks run in this JVM in local mode. */
  private static final AtomicInteger FAILED_ATTEMPTS = new AtomicInteger();

  /** Fails the first attempt of the task that parses r7's answer, after r0..r7 were answered. */
  private static final class FailsFirstAttempt implements AnswerParser {
    @Override
    public StructType schema() {
      return new StructType().add("length", DataTypes.IntegerType);
    }

    @Override
    public Object[] parse(Completion answer, Row input) {
      if (input.getString(0).equals("r7") && TaskContext.get().attemptNumber() == 0) {
        FAILED_ATTEMPTS.incrementAndGet();
        throw new IllegalStateException("a parser bug, on the first attempt only");
      }
      return new Object[] {answer.content().length()};
    }
  }

  @Test
  void aRetriedTaskSendsNothingThatItsFailedAttemptHadAnswered() throws IOException {
    FAILED_ATTEMPTS.set(0);
    try (ScriptedServer server = new ScriptedServer((body, seen) -> ScriptedServer.Reply.ok("answer " + number(body)))) {
      GenerationReport report = map(server, problems(16), settings(1, BudgetSettings.DEFAULTS), "gen")
          .parser(new FailsFirstAttempt()).execute();
      assertEquals(1, FAILED_ATTEMPTS.get(), "the task failed once and Spark ran it again");
      assertEquals(16, report.ok());
      for (int i = 0; i < 16; i++) {
        assertEquals(1, server.requestsFor("p" + i + "#7"), "p" + i + " was sent once, though its task ran twice");
      }
      assertEquals(16, server.requests());
      assertEquals("answer 12".length(), find(rows(report.path()), "r12").<Integer>getAs("length"));
    }
  }

  @Test
  void samplesAndChoicesBecomeRowsWithTheirOwnSampleIndex() throws IOException {
    try (ScriptedServer server = new ScriptedServer((body, seen) -> {
      int n = body.path("n").asInt(1);
      List<String> contents = new ArrayList<>();
      for (int c = 0; c < n; c++) {
        contents.add("seed " + body.path("seed").asText() + " choice " + c);
      }
      return ScriptedServer.Reply.choices(contents);
    })) {
      PromptBuilder twoChoices = row -> new Prompt(List.of(new ChatMessage("system", "Be rigorous."),
          new ChatMessage("user", row.getString(2))), "{\"n\": 2}");
      GenerationReport report = map(server, problems(3), settings(4, BudgetSettings.DEFAULTS), "gen")
          .prompt("ask", "sha256:test", twoChoices).samples(3).execute();
      assertEquals(9, report.requests());
      assertEquals(18, report.rows());
      List<Row> r1 = rows(report.path()).stream().filter(r -> r.getString(0).equals("r1")).toList();
      assertEquals(List.of("seed 7 choice 0", "seed 7 choice 1", "seed 8 choice 0", "seed 8 choice 1", "seed 9 choice 0",
          "seed 9 choice 1"), r1.stream().map(r -> r.<String>getAs("completion")).toList());
      assertEquals(List.of(0, 1, 2, 3, 4, 5), r1.stream().map(r -> r.<Integer>getAs("sample_index")).toList());
      assertEquals(3, r1.stream().filter(r -> r.<Long>getAs("completion_tokens") > 0).count(), "usage is on each request's first choice");

      GenerationReport again = map(server, problems(3), settings(4, BudgetSettings.DEFAULTS), "gen2")
          .prompt("ask", "sha256:test", twoChoices).samples(3).execute();
      assertEquals(9, again.cacheHits());
      assertEquals(0, again.sent());
      assertEquals(9, server.requests(), "a second run is served from the cache");
    }
  }

  /** Reads {@code <score>N</score>}. */
  private static final class ScoreTag implements AnswerParser {
    @Override
    public StructType schema() {
      return new StructType().add("score", DataTypes.IntegerType);
    }

    @Override
    public Object[] parse(Completion answer, Row input) throws Unreadable {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("<score>(\\d)</score>").matcher(answer.proof());
      if (!m.find()) {
        throw new Unreadable("no <score> tag");
      }
      return new Object[] {Integer.parseInt(m.group(1))};
    }
  }

  @Test
  void theParserAddsColumnsAndAnUnreadableAnswerIsMarkedNotDropped() throws IOException {
    AnswerParser score = new ScoreTag();
    try (ScriptedServer server = new ScriptedServer((body, seen) -> Integer.parseInt(number(body)) % 2 == 0
        ? ScriptedServer.Reply.ok("<score>" + number(body) + "</score>") : ScriptedServer.Reply.ok("I think it is fine."))) {
      GenerationReport report = map(server, problems(4), settings(2, BudgetSettings.DEFAULTS), "gen").parser(score).execute();
      List<Row> rows = rows(report.path());
      assertEquals(0, find(rows, "r0").<Integer>getAs("score"));
      assertEquals(2, find(rows, "r2").<Integer>getAs("score"));
      assertNull(find(rows, "r0").getAs("parse_error"));
      assertNull(find(rows, "r1").getAs("score"));
      assertEquals("no <score> tag", find(rows, "r1").getAs("parse_error"));
      assertEquals(2, report.parseErrors());
      assertEquals(4, report.ok(), "an unreadable answer is still an answer");
    }
  }

  @Test
  void aBudgetStopsSendingAndALargerOneFinishesTheRest() throws IOException {
    try (ScriptedServer server = new ScriptedServer((body, seen) -> ScriptedServer.Reply.ok("x".repeat(40)))) {
      GenerationReport limited = map(server, problems(10), settings(1, new BudgetSettings(120, 0)), "gen")
          .inputs(List.of()).execute();
      List<Row> rows = rows(limited.path());
      assertEquals(10, rows.size());
      long notSent = rows.stream().filter(r -> r.getAs("status").equals(Status.NOT_SENT.id())).count();
      assertTrue(notSent >= 5, "each answer costs 50 tokens, so at most 3 + 2 in flight are sent: " + notSent + " not sent");
      assertTrue(rows.stream().filter(r -> r.getAs("status").equals(Status.NOT_SENT.id()))
          .allMatch(r -> r.<String>getAs("error").startsWith("token budget reached")));
      assertEquals(10 - notSent, server.requests());
      LlmMap rest = map(server, problems(10), settings(4, BudgetSettings.DEFAULTS), "gen").inputs(List.of());
      assertTrue(rest.staleness().contains("left requests unanswered"), "an incomplete run is never up to date: " + rest.staleness());

      GenerationReport finished = rest.execute();
      assertEquals(10 - notSent, finished.cacheHits());
      assertEquals(notSent, finished.sent());
      assertEquals(10, finished.ok());
      assertEquals(10, server.requests());
    }
  }

  @Test
  void theApiKeyGoesOutAsABearerTokenAndIsWrittenNowhere() throws IOException {
    String key = System.getenv("QED_TEST_API_KEY");
    assertTrue(key != null && key.startsWith("sk-test"), "the build sets QED_TEST_API_KEY for this test");
    try (ScriptedServer server = new ScriptedServer((body, seen) -> ScriptedServer.Reply.ok("answer"))) {
      LlmSettings keyed = settings(2, BudgetSettings.DEFAULTS).with(Map.of("api-key-env", "QED_TEST_API_KEY"));
      GenerationReport report = run(server, problems(3), keyed, "gen");
      assertEquals(3, report.ok());
      assertEquals(List.of("Bearer " + key), server.authorizations().stream().distinct().toList());
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          assertFalse(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1).contains(key),
              "the key is in " + file);
        }
      }
      assertFalse(dev.qedspark.config.ConfigView.toYaml(dev.qedspark.common.SettingsRecords.with(
          dev.qedspark.config.QedConfig.DEFAULTS, Map.of("llm", keyed))).contains(key));
    }
  }

  @Test
  void sparkJobsAreNamedAfterWhatTheyDo() throws Exception {
    List<String> descriptions = new java.util.concurrent.CopyOnWriteArrayList<>();
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
        descriptions.add(String.valueOf(start.properties().getProperty("spark.job.description")));
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try (ScriptedServer server = new ScriptedServer((body, seen) -> ScriptedServer.Reply.ok("answer"))) {
      map(server, problems(3), settings(2, BudgetSettings.DEFAULTS), "gen").named("grade").execute();
    } finally {
      spark.sparkContext().listenerBus().waitUntilEmpty();
      spark.sparkContext().removeSparkListener(listener);
    }
    assertTrue(descriptions.contains("grade: send 3 requests to scripted-model (model)"), descriptions.toString());
    assertTrue(descriptions.contains("write generations (4 shards)"), descriptions.toString());
    assertTrue(descriptions.contains("grade: look requests up in the response cache"), descriptions.toString());
    assertFalse(descriptions.contains("null"), "every job has a name: " + descriptions);
  }

  private static long cacheLines(Path cache) throws IOException {
    try (Stream<Path> files = Files.walk(cache.resolve("segments")).filter(Files::isRegularFile)) {
      long lines = 0;
      for (Path f : files.toList()) {
        lines += Files.readAllLines(f).stream().filter(l -> l.endsWith("}")).count();
      }
      return lines;
    }
  }

  private static Map<String, String> answers(String path) {
    return rows(path).stream().collect(Collectors.toMap(r -> r.getString(0), r -> r.<String>getAs("completion"), (a, b) -> a, TreeMap::new));
  }
}
