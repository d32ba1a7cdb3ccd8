package dev.qedspark.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.grading.GradingSettings;
import dev.qedspark.grading.JudgePrompt;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.io.DatasetWriter;
import dev.qedspark.io.Problem;
import dev.qedspark.llm.Endpoint;
import dev.qedspark.llm.LlmSettings;
import dev.qedspark.llm.OpenEndpoint;
import dev.qedspark.llm.PromptTemplate;
import dev.qedspark.llm.RetrySettings;
import dev.qedspark.llm.Role;
import dev.qedspark.llm.ScriptedServer;
import dev.qedspark.proofs.ProofPrompt;
import dev.qedspark.spark.SparkTestBase;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FineProofs-RL against a scripted policy and a scripted judge on 127.0.0.1. */
class RlDatasetTest extends SparkTestBase {
  @TempDir Path dir;

  private static Row problem(String id, String rubric) {
    return Problem.SCHEMA.toRow(new Problem(id, "Problem " + id + ".", "Solution " + id + ".", null, rubric, "test", null, null, null,
        false, "test#1", "{}"));
  }

  @Test
  void rewardsAreScoresOverSevenAndLearnableProblemsAreNeitherAlwaysSolvedNorNever() throws Exception {
    String problems = dir.resolve("problems").toString();
    DatasetWriter.of(spark.createDataFrame(List.of(problem("easy", "7 points."), problem("hard", "7 points."),
            problem("mid", "7 points."), problem("bare", null)), Problem.SCHEMA.schema()))
        .to(problems).named("problems").keyedBy("problem_id").execute();
    LlmSettings settings = LlmSettings.DEFAULTS.with(Map.of("seed", 10, "temperature", 1.0, "max-tokens", 64,
        "retry", new RetrySettings(1, 0, 0, 10)));
    try (ScriptedServer policy = new ScriptedServer((body, seen) -> {
          String user = body.path("messages").path(0).path("content").asText();
          return ScriptedServer.Reply.ok("A proof of " + user.substring(user.indexOf("Problem ") + 8, user.indexOf(".", user.indexOf("Problem ")))
              + " with seed " + body.path("seed").asInt());
        });
        ScriptedServer judge = new ScriptedServer((body, seen) -> {
          String user = body.path("messages").path(1).path("content").asText();
          int seed = Integer.parseInt(user.replaceAll("(?s).*with seed (\\d+).*", "$1"));
          int score = user.contains("A proof of easy") ? 7 : user.contains("A proof of hard") ? 0 : seed % 2 == 0 ? 7 : 3;
          if (user.contains("A proof of mid") && seed == 13) {
            return ScriptedServer.Reply.ok("I cannot decide.");
          }
          return ScriptedServer.Reply.ok("Verdict: <score>" + score + "</score>");
        })) {
      String cache = dir.resolve("cache").toString();
      RlReport report = RlDataset.of(spark, problems)
          .settings(new RlSettings("policy", 4, 0.0, 1.0), PromptTemplate.load(ProofPrompt.NAME, Map.of(), ProofPrompt.PLACEHOLDERS))
          .role(new Role("policy", settings, OpenEndpoint.of(new Endpoint(policy.baseUrl(), "policy-model", policy.baseUrl())), cache))
          .grading(GradingSettings.DEFAULTS, PromptTemplate.load("grade-rubric", Map.of(), JudgePrompt.PLACEHOLDERS),
              List.of(new Role("judge", settings.with(Map.of("temperature", 0.0)),
                  OpenEndpoint.of(new Endpoint(judge.baseUrl(), "judge-model", judge.baseUrl())), cache)))
          .into(dir.resolve("rl").toString()).execute();

      assertEquals(12, policy.requests(), "4 rollouts of each problem with a rubric");
      assertEquals(12, judge.requests());
      assertEquals(3, report.problems());
      assertEquals(1, report.withoutRubric());
      Dataset<Row> all = DatasetReader.read(spark, report.allPath());
      assertEquals(RlDataset.FINEPROOFS_COLUMNS, Arrays.asList(all.columns()).subList(0, RlDataset.FINEPROOFS_COLUMNS.size()));
      assertEquals("struct<problem:string,source:string,rubrics:string,scores:array<bigint>,rewards:array<double>,num_rewards:bigint,"
          + "reward_mean:double,reward_std:double>", all.selectExpr(RlDataset.FINEPROOFS_COLUMNS.toArray(String[]::new)).schema().simpleString());
      Map<String, Row> rows = new TreeMap<>();
      all.collectAsList().forEach(r -> rows.put(r.getAs("problem_id"), r));
      assertEquals(List.of(7L, 7L, 7L, 7L), rows.get("easy").getList(rows.get("easy").fieldIndex("scores")));
      assertEquals(1.0, rows.get("easy").<Double>getAs("reward_mean"));
      assertEquals(0.0, rows.get("hard").<Double>getAs("reward_mean"));
      Row mid = rows.get("mid");
      assertEquals(List.of(7L, 3L, 7L), mid.getList(mid.fieldIndex("scores")), "in rollout order: seeds 10, 12 score 7, 11 scores 3, 13 is unreadable");
      assertEquals(List.of(1.0, 3 / 7.0, 1.0), mid.getList(mid.fieldIndex("rewards")));
      assertEquals(3L, mid.<Long>getAs("num_rewards"));
      List<Row> prompt = mid.getList(mid.fieldIndex("prompt"));
      assertEquals("user", prompt.get(prompt.size() - 1).getAs("role"), "TRL's conversational prompt: the messages the policy was sent");
      assertTrue(prompt.get(prompt.size() - 1).<String>getAs("content").contains("Problem mid."), prompt.toString());
      assertEquals(List.of("role", "content"), List.of(prompt.get(0).schema().fieldNames()));
      assertEquals("Solution mid.", mid.getAs("solution"), "the reference solution for reward functions");
      assertEquals(List.of("prompt", "problem_id", "solution", "answer"), Arrays.asList(all.columns())
          .subList(RlDataset.FINEPROOFS_COLUMNS.size(), RlDataset.FINEPROOFS_COLUMNS.size() + 4));
      assertEquals(1L, mid.<Long>getAs("unscored"), "an unreadable judgement is left out, not a 0");
      double mean = (3 / 7.0 + 2) / 3;
      assertEquals(mean, mid.<Double>getAs("reward_mean"), 1e-12);
      assertEquals(Math.sqrt((Math.pow(3 / 7.0 - mean, 2) + 2 * Math.pow(1 - mean, 2)) / 3), mid.<Double>getAs("reward_std"), 1e-12);

      List<Row> learnable = DatasetReader.read(spark, report.learnablePath()).collectAsList();
      assertEquals(List.of("mid"), learnable.stream().map(r -> r.<String>getAs("problem_id")).toList());
      Row task = DatasetReader.read(spark, report.tasksPath()).first();
      assertEquals(List.of("task", "answer", "schema", "problem_id"), Arrays.asList(task.schema().fieldNames()));
      assertEquals("Problem mid.", task.getAs("task"));
      assertEquals("Solution mid.", task.getAs("answer"));
      assertEquals("7 points.", task.getAs("schema"));
      assertNull(rows.get("bare"), "a problem without a rubric is not rolled out");
    }
  }
}
