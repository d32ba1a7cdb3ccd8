package dev.qedspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qedspark.config.ConfigLoader;
import dev.qedspark.grading.JudgeProtocol;
import dev.qedspark.llm.ScriptedServer;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.spark.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Judge calibration against human grades, with a scripted judge whose verdicts the test can predict. */
class CalibrateTest extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PROBLEM = Pattern.compile("Problem:\n(.*?)\n\nReference solution:", Pattern.DOTALL);
  private static final Pattern TOKEN = Pattern.compile("\\[judge=(\\d)]");
  @TempDir Path dir;

  private Stages stages(ScriptedServer judge) {
    return Stages.with(spark, ConfigLoader.load(List.of(), List.of("llm.endpoint=" + judge.baseUrl(), "llm.cache-dir=" + dir.resolve("cache"),
        "llm.max-tokens=64", "llm.retry.max-attempts=1", "datasets.shards=2")));
  }

  @Test
  void theBundledOpenProofCorpusLabelsGiveTheConfusionMatrix() throws Exception {
    // The judge calls a proof complete when its problem's text has an even length: a rule the test can apply too.
    try (ScriptedServer judge = new ScriptedServer((body, seen) -> {
      Matcher m = PROBLEM.matcher(body.path("messages").path(1).path("content").asText());
      boolean even = m.find() && m.group(1).length() % 2 == 0;
      return ScriptedServer.Reply.ok("<points>" + (even ? 7 : 0) + " out of 7</points>");
    }); Stages stages = stages(judge)) {
      String file = "../data/corpora/open-proof-corpus/opc_judged_proofs_dev.jsonl";
      long tp = 0, fp = 0, tn = 0, fn = 0, unjudged = 0, rows = 0;
      for (String line : Files.readAllLines(Path.of(file))) {
        JsonNode r = JSON.readTree(line);
        rows++;
        JsonNode solution = r.path("reference_solutions").path(0);
        if (!solution.isTextual() || solution.asText().isBlank()) {
          unjudged++;
          continue;
        }
        boolean judgeSays = r.path("problem").asText().length() % 2 == 0;
        boolean human = r.path("label").asText().equals("correct");
        if (judgeSays && human) tp++; else if (judgeSays) fp++; else if (human) fn++; else tn++;
      }
      CalibrationMetrics.Report report = stages.calibrate(file, JudgeProtocol.IMO_PROOFBENCH).into(dir.resolve("opc").toString()).execute();
      assertEquals("binary", report.scale());
      assertEquals(rows, report.proofs());
      assertEquals(unjudged, report.failed(), "proofs without a reference solution are not judged, and not counted as wrong");
      assertEquals(Map.of("true_positive", tp, "false_positive", fp, "true_negative", tn, "false_negative", fn), report.confusion());
      double precision = (double) tp / (tp + fp);
      double recall = (double) tp / (tp + fn);
      assertEquals((double) (tp + tn) / (tp + fp + tn + fn), report.metrics().get("accuracy"), 1e-12);
      assertEquals(precision, report.metrics().get("precision"), 1e-12);
      assertEquals(recall, report.metrics().get("recall"), 1e-12);
      assertEquals(2 * precision * recall / (precision + recall), report.metrics().get("f1"), 1e-12);
      assertEquals(rows - unjudged, judge.requests());
    }
  }

  @Test
  void gradesOnTheSevenPointScaleGiveErrorBucketsRankingAndAdvantages() throws Exception {
    // Problem a: humans 7, 3, 0; judge 6, 3, 1. Problem b: humans 5, 5, 2; judge 7, 2, 4.
    int[][] grades = {{7, 6}, {3, 3}, {0, 1}, {5, 7}, {5, 2}, {2, 4}};
    StringBuilder file = new StringBuilder();
    for (int i = 0; i < grades.length; i++) {
      file.append(JSON.writeValueAsString(Map.of("problem_id", i < 3 ? "a" : "b", "problem", "Problem " + (i < 3 ? "a" : "b"),
          "proof", "Proof " + i + " [judge=" + grades[i][1] + "]", "solution", "A solution.", "rubric", "7 points for a proof.",
          "grade", grades[i][0]))).append('\n');
    }
    Path graded = Files.writeString(dir.resolve("graded.jsonl"), file.toString());
    try (ScriptedServer judge = new ScriptedServer((body, seen) -> {
      Matcher m = TOKEN.matcher(body.path("messages").path(1).path("content").asText());
      return ScriptedServer.Reply.ok(m.find() ? "<score>" + m.group(1) + "</score>" : "no idea");
    }); Stages stages = stages(judge)) {
      CalibrationMetrics.Report report = stages.calibrate(graded.toString(), JudgeProtocol.PROOFBENCH).into(dir.resolve("seven").toString())
          .execute();
      assertEquals("0-7", report.scale());
      assertEquals(1.5, report.metrics().get("mae"), 1e-12, "(1 + 0 + 1 + 2 + 3 + 2) / 6");
      assertEquals(1 / 6.0, report.metrics().get("bucket_accuracy"), 1e-12, "only 3 vs 3 shares a bucket");
      assertEquals(0.8, report.metrics().get("ranking_agreement"), 1e-12, "4 of the 5 pairs humans told apart");
      assertEquals(5 / 6.0, report.metrics().get("advantage_agreement"), 1e-12, "b's second proof: above its mean for humans, below for the judge");
    }
  }
}
