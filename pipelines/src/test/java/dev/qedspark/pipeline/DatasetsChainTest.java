package dev.qedspark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.config.ConfigLoader;
import dev.qedspark.config.QedConfig;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.io.DatasetWriter;
import dev.qedspark.io.Problem;
import dev.qedspark.llm.ScriptedServer;
import dev.qedspark.rl.RlReport;
import dev.qedspark.spark.SparkTestBase;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.LlmCalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole FineProofs chain against one scripted server that answers each prompt type. */
class DatasetsChainTest extends SparkTestBase {
  private static final String SCHEME = "{\"checkpoints\": [{\"chain\": \"A\", \"description\": \"Main idea\", \"points\": 5, \"key_idea\": true},"
      + " {\"chain\": \"A\", \"description\": \"Finish\", \"points\": 2, \"key_idea\": false}]}";

  @TempDir Path dir;

  static ScriptedServer.Reply answer(com.fasterxml.jackson.databind.JsonNode body) {
    String first = body.path("messages").path(0).path("content").asText();
    if (first.startsWith("You review olympiad problems")) {
      return ScriptedServer.Reply.ok("{\"incomplete\": false, \"difficulty\": 6, \"gaps\": false, \"wrong\": false,"
          + " \"disagreement\": false, \"computational\": false}");
    }
    if (first.startsWith("You write marking schemes")) {
      return ScriptedServer.Reply.ok(SCHEME);
    }
    if (first.startsWith("Solve the following olympiad problem")) {
      return ScriptedServer.Reply.ok("<think>Try induction.</think>By induction on n, the claim holds (seed " + body.path("seed").asInt() + ").");
    }
    if (first.startsWith("You grade olympiad proofs")) {
      return ScriptedServer.Reply.ok("Checkpoint 1 earned. <score>5</score>");
    }
    return ScriptedServer.Reply.status(400, "unexpected prompt: " + first.substring(0, Math.min(40, first.length())));
  }

  private String writeProblems(int n) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(Problem.SCHEMA.toRow(new Problem("test:p" + i, "Show that statement " + i + " holds.", "Solution " + i + ".", null, null,
          "test", "Test Olympiad", "Algebra", null, false, "t#" + i, "{}")));
    }
    String path = dir.resolve("problems").toString();
    DatasetWriter.of(spark.createDataFrame(rows, Problem.SCHEMA.schema())).to(path).named("problems").keyedBy("problem_id").execute();
    return path;
  }

  private QedConfig config(ScriptedServer server) throws IOException {
    Path prices = Files.writeString(dir.resolve("prices.yaml"),
        "llm:\n  prices:\n    scripted-model: {input-per-million: 1.0, output-per-million: 2.0}\n");
    return ConfigLoader.load(List.of(prices), List.of("llm.endpoint=" + server.baseUrl(), "llm.cache-dir=" + dir.resolve("cache"),
        "llm.max-tokens=64", "llm.seed=1", "llm.retry.max-attempts=1", "rl.rollouts=2", "datasets.shards=2",
        // The policy samples differently from the teacher, so its rollouts are requests of their own.
        "llm.roles.policy.temperature=0.7", "llm.roles.policy.seed=100"));
  }

  private List<Chain.Outcome> run(ScriptedServer server, String problems) throws IOException {
    try (Stages stages = Stages.with(spark, config(server))) {
      return DatasetsChain.of(stages, problems, dir.resolve("out").toString(), Set.of(), 1).run(false, s -> { }, s -> { });
    }
  }

  /** Requests the server received during each step of a real run. */
  private Map<String, Long> sentPerStep(ScriptedServer server, String problems) throws IOException {
    Map<String, Long> sent = new LinkedHashMap<>();
    int[] before = new int[1];
    try (Stages stages = Stages.with(spark, config(server))) {
      DatasetsChain.of(stages, problems, dir.resolve("out").toString(), Set.of(), 1).run(false, s -> before[0] = server.requests(),
          s -> sent.put(s.name(), (long) (server.requests() - before[0])));
    }
    return sent;
  }

  /** What a dry run says each step would send (0 for a step it skips as up to date), and the reports of the steps it counted. */
  private Map<String, Long> dryRun(ScriptedServer server, String problems, List<GenerationReport> calls) throws IOException {
    Map<String, Long> toSend = new LinkedHashMap<>();
    try (Stages stages = Stages.dryRun(spark, config(server))) {
      DatasetsChain.dryRun(stages, problems, dir.resolve("out").toString(), Set.of(), 1, false, s -> {
        if (!s.ran()) {
          toSend.put(s.name(), 0L);
        }
      }, s -> {
        Map<String, GenerationReport> reports = s.result() instanceof LlmCalls c ? c.llmCalls() : Map.of();
        calls.addAll(reports.values());
        toSend.put(s.name(), reports.values().stream().mapToLong(GenerationReport::sent).sum());
      });
    }
    return toSend;
  }

  private static Map<String, Long> steps(long filter, long rubrics, long generate, long grade, long rl) {
    Map<String, Long> steps = new LinkedHashMap<>();
    List<Long> counts = List.of(filter, rubrics, generate, grade, rl, 0L);
    for (int i = 0; i < counts.size(); i++) {
      steps.put(DatasetsChain.STEPS.get(i), counts.get(i));
    }
    return steps;
  }

  @Test
  void aStepLeftIncompleteByFailuresResumesWithOnlyWhatFailed() throws Exception {
    AtomicInteger failures = new AtomicInteger(4);
    try (ScriptedServer server = new ScriptedServer((body, seen) -> {
      boolean rollout = body.path("temperature").asDouble() == 0.7;
      return rollout && failures.getAndDecrement() > 0 ? ScriptedServer.Reply.status(503, "overloaded") : answer(body);
    })) {
      List<Chain.Outcome> first = run(server, writeProblems(5));
      assertTrue(first.stream().allMatch(Chain.Outcome::ran));
      RlReport rl = (RlReport) first.get(4).result();
      assertEquals(4, rl.rollouts().errorsToRetry(), "four rollouts failed with a 503");
      assertEquals(4L, rl.grading().gradesByStatus().get("no_proof"), "a failed rollout is not graded, and not scored 0");
      Row withFailures = DatasetReader.read(spark, dir.resolve("out/rl/all").toString()).selectExpr("sum(unscored)", "sum(num_rewards)").first();
      assertEquals(4L, withFailures.getLong(0));
      assertEquals(6L, withFailures.getLong(1));

      int before = server.requests();
      List<Chain.Outcome> resumed = run(server, writeProblems(5));
      assertEquals(List.of(false, false, false, false, true, true), resumed.stream().map(Chain.Outcome::ran).toList(),
          "only rl (left incomplete) and sft after it run again");
      assertTrue(resumed.get(4).reason().contains("left requests unanswered"), resumed.get(4).reason());
      assertEquals(4 + 4, server.requests() - before, "the four failed rollouts and their grades, nothing else");
      Row complete = DatasetReader.read(spark, dir.resolve("out/rl/all").toString()).selectExpr("sum(unscored)", "sum(num_rewards)").first();
      assertEquals(0L, complete.getLong(0));
      assertEquals(10L, complete.getLong(1));
    }
  }

  @Test
  void aDryRunCountsWhatTheRunThenSendsAndChangesNothing() throws Exception {
    try (ScriptedServer server = new ScriptedServer((body, seen) -> answer(body))) {
      List<GenerationReport> calls = new ArrayList<>();
      Map<String, Long> planned = dryRun(server, writeProblems(5), calls);
      assertEquals(0, server.requests(), "a dry run sends nothing");
      try (var left = Files.list(dir.resolve("out"))) {
        assertEquals(List.of(), left.toList(), "a dry run leaves nothing in the output root");
      }
      assertEquals(steps(5, 5, 5, 5, 10 + 10), planned, "rl: 2 rollouts per problem and a grade for each");
      for (GenerationReport call : calls) {
        assertEquals(64 * call.sent(), call.completionTokens(), "completion tokens are estimated at max_tokens");
        assertTrue(call.promptTokens() > 0);
        assertEquals((call.promptTokens() * 1.0 + call.completionTokens() * 2.0) / 1e6, call.cost(), 1e-12, "priced with llm.prices");
      }
      assertEquals(planned, sentPerStep(server, writeProblems(5)), "the run sends what the dry run counted, step by step");

      Map<String, Long> refresh = dryRun(server, writeProblems(8), new ArrayList<>());
      assertEquals(steps(3, 3, 3, 3, 6 + 6), refresh, "cached answers are not counted: only the three new problems");
      assertEquals(refresh, sentPerStep(server, writeProblems(8)));

      int before = server.requests();
      assertEquals(steps(0, 0, 0, 0, 0), dryRun(server, writeProblems(8), new ArrayList<>()), "every step is up to date");
      assertEquals(before, server.requests());
    }
  }

  @Test
  void theChainBuildsBothDatasetsAndARefreshPaysOnlyForNewProblems() throws Exception {
    try (ScriptedServer server = new ScriptedServer((body, seen) -> answer(body))) {
      List<Chain.Outcome> first = run(server, writeProblems(5));
      assertEquals(DatasetsChain.STEPS, first.stream().map(Chain.Outcome::name).toList());
      assertTrue(first.stream().allMatch(Chain.Outcome::ran));
      assertEquals(5 + 5 + 5 + 5 + 10 + 10, server.requests(), "filter, rubrics, generate, grade, 2 rollouts each and their grades");
      List<Row> sft = DatasetReader.read(spark, dir.resolve("out/sft/all").toString()).collectAsList();
      assertEquals(5, sft.size());
      assertEquals(5L, sft.get(0).<Long>getAs("gemini-3-pro-grade"));
      assertEquals(5 / 7.0, sft.get(0).<Double>getAs("qwen3-4b-thinking-reward@128"), 1e-12, "the policy's mean reward, from rl");
      assertEquals(0, DatasetReader.read(spark, dir.resolve("out/sft/default").toString()).count(), "5 is below sft.min-grade");
      Row rl = DatasetReader.read(spark, dir.resolve("out/rl/all").toString()).first();
      assertEquals(List.of(5L, 5L), rl.getList(rl.fieldIndex("scores")));
      assertEquals(5, DatasetReader.read(spark, dir.resolve("out/rl/learnable").toString()).count(), "5/7 is neither 0 nor 1");

      int before = server.requests();
      List<Chain.Outcome> again = run(server, writeProblems(5));
      assertTrue(again.stream().noneMatch(Chain.Outcome::ran), "the same problems rewritten: every step is up to date");
      assertEquals(before, server.requests());

      List<Chain.Outcome> refresh = run(server, writeProblems(8));
      assertTrue(refresh.stream().allMatch(Chain.Outcome::ran));
      assertEquals(3 + 3 + 3 + 3 + 6 + 6, server.requests() - before, "only the three new problems are sent, at every step");
      assertEquals(8, DatasetReader.read(spark, dir.resolve("out/sft/all").toString()).count());
      assertEquals(8, DatasetReader.read(spark, dir.resolve("out/rl/all").toString()).count());
    }
  }
}
