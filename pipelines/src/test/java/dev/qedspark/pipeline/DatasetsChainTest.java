package dev.qedspark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.config.ConfigLoader;
import dev.qedspark.config.QedConfig;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.io.DatasetWriter;
import dev.qedspark.io.Problem;
import dev.qedspark.llm.ScriptedServer;
import dev.qedspark.spark.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
          "test", "Test Olympiad", "Algebra", null, false, "t#" + i, Map.of())));
    }
    String path = dir.resolve("problems").toString();
    DatasetWriter.of(spark.createDataFrame(rows, Problem.SCHEMA.schema())).to(path).named("problems").keyedBy("problem_id").execute();
    return path;
  }

  private List<Chain.Outcome> run(ScriptedServer server, String problems) {
    QedConfig config = ConfigLoader.load(List.of(), List.of("llm.endpoint=" + server.baseUrl(), "llm.cache-dir=" + dir.resolve("cache"),
        "llm.max-tokens=64", "llm.seed=1", "llm.retry.max-attempts=1", "rl.rollouts=2", "datasets.shards=2",
        // The policy samples differently from the teacher, so its rollouts are requests of their own.
        "llm.roles.policy.temperature=0.7", "llm.roles.policy.seed=100"));
    try (Stages stages = Stages.with(spark, config)) {
      return DatasetsChain.of(stages, problems, dir.resolve("out").toString(), Set.of(), 1).run(false, s -> { }, s -> { });
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
      assertEquals(5, sft.get(0).<Integer>getAs("scripted-model-grade"));
      assertEquals(5 / 7.0, sft.get(0).<Double>getAs("scripted-model-reward@2"), 1e-12, "the policy's mean reward, from rl");
      Row rl = DatasetReader.read(spark, dir.resolve("out/rl/all").toString()).first();
      assertEquals(List.of(5, 5), rl.getList(rl.fieldIndex("scores")));
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
