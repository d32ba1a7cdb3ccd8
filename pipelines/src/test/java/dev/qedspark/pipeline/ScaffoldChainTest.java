package dev.qedspark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qedspark.config.ConfigLoader;
import dev.qedspark.eval.Benchmark;
import dev.qedspark.eval.EvalSummary;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.llm.ScriptedServer;
import dev.qedspark.spark.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each test-time scaffold's control flow, counted at a scripted server that answers each kind of call. */
class ScaffoldChainTest extends SparkTestBase {
  @TempDir Path dir;

  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  private ScriptedServer.Reply answer(JsonNode body) {
    String text = body.path("messages").findValues("content").stream().map(JsonNode::asText).reduce("", String::concat);
    String kind = text.contains("Below is an earlier attempt") ? "refine" : text.contains("You review solutions") ? "verify"
        : text.contains("Below are a problem and your reasoning") ? "summarize" : text.contains("You have worked on this problem before") ? "retry"
        : text.contains("Below are several candidate solutions") ? "aggregate" : "answer";
    calls.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    return ScriptedServer.Reply.ok(switch (kind) {
      // A first attempt is rated 0 and its refinement 1, so self-verify must return a refined one.
      case "verify" -> "Checked. \\boxed{" + (text.contains("refined") ? "1" : "0") + "}";
      case "refine" -> "<think>Fixing.</think>A refined solution, seed " + body.path("seed").asInt() + ". \\boxed{42}";
      case "summarize" -> "I tried induction and got stuck at the base case.";
      case "retry" -> "<think>From my summary.</think>Now it works. \\boxed{7}";
      case "aggregate" -> "<think>Merging.</think>Combined. \\boxed{42}";
      default -> "<think>First try.</think>Perhaps \\boxed{" + body.path("seed").asInt() + "}";
    });
  }

  private EvalSummary run(ScriptedServer server, String scaffold) {
    try (Stages stages = Stages.with(spark, ConfigLoader.load(List.of(), List.of("ingest.sources=../conf/sources.yaml",
        "llm.endpoint=" + server.baseUrl(), "llm.cache-dir=" + dir.resolve("cache-" + scaffold), "llm.max-tokens=64", "llm.seed=5", "datasets.shards=2",
        "eval.bootstrap=0", "eval.judge-undecided=false", "eval.scaffold.candidates=2", "eval.scaffold.verifications=2",
        "eval.scaffold.refinements=1", "eval.scaffold.rounds=3", "eval.scaffold.population=3", "eval.scaffold.aggregations=2",
        "eval.scaffold.group=2")))) {
      Benchmark bench = Benchmark.named("imo-answerbench", stages.catalog(), null, null);
      List<Chain.Outcome> outcomes = EvalChain.of(stages, bench, dir.resolve(scaffold).toString(), null, 1, 2, scaffold)
          .run(false, s -> { }, s -> { });
      return (EvalSummary) outcomes.get(2).result();
    }
  }

  private Map<String, Integer> counted() {
    Map<String, Integer> counts = new TreeMap<>();
    calls.forEach((k, v) -> counts.put(k, v.get()));
    calls.clear();
    return counts;
  }

  @Test
  void eachScaffoldMakesItsCallsAndReturnsWhatItsRuleSelects() throws Exception {
    try (ScriptedServer server = new ScriptedServer((body, seen) -> answer(body))) {
      EvalSummary verified = run(server, "self-verify");
      assertEquals(Map.of("answer", 4, "verify", 16, "refine", 4), counted(),
          "2 problems: 2 candidates, 2 checks each, 1 refinement round, 2 checks of each refinement");
      assertEquals(12.0, verified.callsPerSample(), 1e-9);
      for (Row r : DatasetReader.read(spark, dir.resolve("self-verify/responses/responses").toString()).collectAsList()) {
        assertTrue(r.<String>getAs("completion").contains("refined"), "the best-rated candidate is a refined one: " + r);
        assertEquals(12L, r.<Long>getAs("calls"));
      }

      EvalSummary cached = run(server, "reasoning-cache");
      assertEquals(Map.of("answer", 2, "summarize", 4, "retry", 4), counted(), "3 rounds: reason, then twice summarize and reason again");
      assertEquals(5.0, cached.callsPerSample(), 1e-9);
      for (Row r : DatasetReader.read(spark, dir.resolve("reasoning-cache/samples").toString()).collectAsList()) {
        assertEquals("7", r.getAs("extracted"), "the last round's answer counts");
      }

      EvalSummary aggregated = run(server, "rsa");
      assertEquals(Map.of("answer", 6, "aggregate", 12), counted(), "a population of 3, then 2 rounds of 3 merges");
      assertEquals(9.0, aggregated.callsPerSample(), 1e-9);
      for (Row r : DatasetReader.read(spark, dir.resolve("rsa/samples").toString()).collectAsList()) {
        assertEquals("42", r.getAs("extracted"));
      }

      int before = server.requests();
      run(server, "rsa");
      assertEquals(before, server.requests(), "a second run finds everything up to date");
    }
  }
}
