package dev.qedspark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qedspark.common.ConfigException;
import dev.qedspark.config.ConfigLoader;
import dev.qedspark.config.QedConfig;
import dev.qedspark.eval.Benchmark;
import dev.qedspark.eval.EvalSummary;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.llm.ScriptedServer;
import dev.qedspark.spark.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./qed eval --responses}: IMO-AnswerBench responses graded end to end, the judge asked only about what the check cannot decide. */
class EvalChainTest extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private QedConfig config(ScriptedServer judge) {
    return ConfigLoader.load(List.of(), List.of("ingest.sources=../conf/sources.yaml", "llm.endpoint=" + judge.baseUrl(),
        "llm.cache-dir=" + dir.resolve("cache"), "llm.max-tokens=64", "llm.retry.max-attempts=1", "datasets.shards=2",
        "eval.bootstrap=200"));
  }

  private static String line(String id, int run, String response) throws Exception {
    return JSON.writeValueAsString(Map.of("problem_id", id, "run", run, "response", response)) + "\n";
  }

  @Test
  void answerBenchResponsesAreCheckedAndSummarized() throws Exception {
    try (ScriptedServer judge = new ScriptedServer((body, seen) -> ScriptedServer.Reply.ok("They mean the same. <verdict>same</verdict>"))) {
      QedConfig config = config(judge);
      String out = dir.resolve("eval").toString();
      try (Stages stages = Stages.with(spark, config)) {
        Benchmark bench = Benchmark.named("imo-answerbench", stages.catalog(), null, null);
        // Read as the chain's benchmark step would read it (same step name, same datasets settings).
        stages.ingest(List.of(bench.source())).named(EvalChain.BENCHMARK).datasets(stages.datasetSettings())
            .into(out + "/" + EvalChain.BENCHMARK).execute();
        Map<String, String> gold = new TreeMap<>();
        DatasetReader.read(spark, out + "/benchmark/problems").collectAsList()
            .forEach(r -> gold.put(r.<String>getAs("problem_id"), r.<String>getAs("answer").strip()));
        List<String> numeric = gold.entrySet().stream().filter(e -> e.getValue().matches("\\d{2,}")).map(Map.Entry::getKey).limit(4).toList();
        String words = gold.entrySet().stream().filter(e -> e.getValue().matches("(?i)all powers of 2")).map(Map.Entry::getKey).findFirst().orElseThrow();
        String own = numeric.get(0).substring(numeric.get(0).indexOf(':') + 1);

        StringBuilder file = new StringBuilder();
        file.append(line(own, 0, "We find it. \\boxed{" + gold.get(numeric.get(0)) + "}"));
        file.append(line(numeric.get(0), 1, "<think>Let me think about this for a very long"));
        file.append(line(numeric.get(1), 0, "<think>Easy.</think>The answer is " + gold.get(numeric.get(1)) + "."));
        file.append(line(numeric.get(2), 0, "So $\\boxed{" + gold.get(numeric.get(2)) + "1}$."));
        file.append(line(numeric.get(3), 0, "I could not finish."));
        file.append(line(words, 0, "Hence \\boxed{\\text{every power of two}}"));
        Path responses = Files.writeString(dir.resolve("responses.jsonl"), file.toString());

        List<Chain.Outcome> outcomes = EvalChain.of(stages, bench, out, responses.toString(), 1, 0, "direct").run(false, s -> { }, s -> { });
        assertEquals(List.of(false, true, true), outcomes.stream().map(Chain.Outcome::ran).toList(), "the benchmark was read already");
        EvalSummary summary = (EvalSummary) outcomes.get(2).result();
        assertEquals(1, judge.requests(), "only the answer in words goes to the judge");

        Map<String, Row> samples = new TreeMap<>();
        DatasetReader.read(spark, out + "/samples").collectAsList().forEach(r -> samples.put(r.getAs("problem_id") + "#" + r.getAs("run"), r));
        assertEquals(6, samples.size());
        assertSample(samples.get(numeric.get(0) + "#0"), "ok", 1.0, "text");
        assertSample(samples.get(numeric.get(0) + "#1"), "truncated", 0.0, "truncated");
        assertSample(samples.get(numeric.get(1) + "#0"), "ok", 1.0, "text");
        assertSample(samples.get(numeric.get(2) + "#0"), "ok", 0.0, "symbolic");
        assertSample(samples.get(numeric.get(3) + "#0"), "ok", 0.0, "no_answer");
        assertSample(samples.get(words + "#0"), "ok", 1.0, "judge");
        assertTrue(samples.get(words + "#0").<String>getAs("judge_output").contains("<verdict>same</verdict>"));

        // Run 0: 3 of 5 right; run 1: the one truncated response.
        assertEquals(Map.of(0, 60.0, 1, 0.0), summary.overall().runMeans());
        assertEquals(30.0, summary.overall().meanPercent(), 1e-9);
        assertEquals(30.0, summary.overall().runStd(), 1e-9);
        assertEquals(0.5, summary.overall().passAtK().get(1), 1e-9, "(1/2 + 1 + 0 + 0 + 1) / 5");
        assertEquals(1.0, summary.overall().passAtK().get(2), 1e-9, "only the problem with two runs counts for pass@2, and one passed");
        assertEquals(1 / 6.0, summary.overall().truncatedFraction(), 1e-9);
        JsonNode written = JSON.readTree(dir.resolve("eval/summary.json").toFile());
        assertEquals(30.0, written.path("overall").path("mean_percent").asDouble(), 1e-9);
        assertEquals(1, written.path("pass_score").asInt(), "an answer passes at 1");
        assertTrue(written.path("setup").path("model").isNull(), "a file of responses has no model to record");
        assertEquals("boxed", written.path("setup").path("scoring").path("answer-extraction").asText());
        String page = Files.readString(dir.resolve("eval/report.html"));
        assertTrue(page.contains("id=\"summary\"") && page.contains("every power of two"), "the page embeds the summary and the samples");

        Path unknown = Files.writeString(dir.resolve("unknown.jsonl"), line("imo-bench-nowhere-999", 0, "\\boxed{1}"));
        ConfigException e = assertThrows(ConfigException.class,
            () -> EvalChain.of(stages, bench, dir.resolve("eval2").toString(), unknown.toString(), 1, 0, "direct").run(false, s -> { }, s -> { }));
        assertTrue(e.getMessage().contains("imo-bench-nowhere-999") && e.getMessage().contains("imo-bench-"), e.getMessage());
      }
    }
  }

  @Test
  void aProofBenchmarkIsAnsweredGradedAndSummarizedPerLevelAndResumesFromTheCache() throws Exception {
    java.util.regex.Pattern seed = java.util.regex.Pattern.compile("written with seed (\\d+)");
    try (ScriptedServer server = new ScriptedServer((body, seen) -> {
      String first = body.path("messages").path(0).path("content").asText();
      if (first.startsWith("Solve the following olympiad problem")) {
        return ScriptedServer.Reply.ok("<think>Induction.</think>A proof written with seed " + body.path("seed").asInt() + ".");
      }
      java.util.regex.Matcher m = seed.matcher(body.path("messages").path(1).path("content").asText());
      boolean even = m.find() && Integer.parseInt(m.group(1)) % 2 == 0;
      return ScriptedServer.Reply.ok("Checked. <points>" + (even ? 7 : 1) + " out of 7</points>");
    })) {
      QedConfig config = ConfigLoader.load(List.of(), List.of("ingest.sources=../conf/sources.yaml", "llm.endpoint=" + server.baseUrl(),
          "llm.cache-dir=" + dir.resolve("cache"), "llm.max-tokens=64", "llm.seed=10", "datasets.shards=2", "eval.bootstrap=100"));
      String out = dir.resolve("proofs").toString();
      try (Stages stages = Stages.with(spark, config)) {
        Benchmark bench = Benchmark.named("imo-proofbench", stages.catalog(), null, null);
        List<Chain.Outcome> outcomes = EvalChain.of(stages, bench, out, null, 2, 0, "direct").run(false, s -> { }, s -> { });
        assertEquals(60 * 2 + 60 * 2, server.requests(), "two proofs per problem, one judgement each");
        EvalSummary summary = (EvalSummary) outcomes.get(2).result();
        assertEquals(Map.of(0, 100.0, 1, 100.0 / 7), summary.overall().runMeans(), "seed 10 earns 7, seed 11 earns 1");
        assertEquals(0.5, summary.overall().passAtK().get(1), 1e-9);
        assertEquals(1.0, summary.overall().passAtK().get(2), 1e-9);
        assertEquals(30, summary.splits().get("subset=Basic").problems());
        assertEquals(30, summary.splits().get("subset=Advanced").problems());
        assertEquals(10, summary.splits().get("level=IMO-hard").problems());
        assertEquals(Map.of("imo-proofbench", 120L), summary.methods());
        assertTrue(Files.readString(dir.resolve("proofs/report.html")).contains("subset=Advanced"));

        // The record of what produced the run: in summary.json, on every sample, on the page.
        JsonNode written = JSON.readTree(dir.resolve("proofs/summary.json").toFile());
        JsonNode model = written.path("setup").path("model");
        assertEquals("model", model.path("role").asText());
        assertEquals(64, model.path("max-tokens").asInt());
        assertEquals(10, model.path("seed").asInt());
        assertEquals(2, model.path("n").asInt(), "responses per problem");
        assertTrue(model.has("temperature") && model.has("top-p") && model.has("top-k") && model.has("extra-body") && model.has("model-revision"), model.toString());
        assertTrue(written.path("setup").path("judges").has("judge"), written.path("setup").toString());
        assertEquals("direct", written.path("setup").path("responses").asText());
        assertEquals("imo-proofbench", written.path("setup").path("scoring").path("protocol").asText());
        assertTrue(written.path("overall").has("pass_at_k_problems"), "the key the documentation names");
        assertEquals(7, written.path("pass_score").asInt());
        List<Row> setups = DatasetReader.read(spark, out + "/samples").select("setup").distinct().collectAsList();
        assertEquals(1, setups.size(), "every sample carries the one setup");
        assertEquals(written.path("setup"), JSON.readTree(setups.get(0).getString(0)));
        assertTrue(Files.readString(dir.resolve("proofs/report.html")).contains("<td>model.max-tokens</td><td>64</td>"));

        int before = server.requests();
        List<Chain.Outcome> again = EvalChain.of(stages, bench, out, null, 2, 0, "direct").run(false, s -> { }, s -> { });
        assertTrue(again.stream().noneMatch(Chain.Outcome::ran), "every step is up to date");
        assertEquals(before, server.requests());
      }
    }
  }

  private static void assertSample(Row row, String status, Double score, String method) {
    assertEquals(status, row.getAs("status"), row.toString());
    assertEquals(score, row.<Double>getAs("score"), row.toString());
    assertEquals(method, row.getAs("method"), row.toString());
  }
}
