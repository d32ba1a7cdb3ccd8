package dev.qedspark.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.qedspark.spark.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilterTest extends SparkTestBase {
  @TempDir Path dir;

  private static String tags(boolean incomplete, int difficulty, boolean computational) {
    return "{\"incomplete\": " + incomplete + ", \"difficulty\": " + difficulty + ", \"gaps\": false, \"wrong\": false,"
        + " \"disagreement\": false, \"computational\": " + computational + "}";
  }

  private Map<String, Row> byId(String path) {
    Map<String, Row> rows = new TreeMap<>();
    DatasetReader.read(spark, path).collectAsList().forEach(r -> rows.put(r.getAs("problem_id"), r));
    return rows;
  }

  @Test
  void tagsDecideWhatStaysAndUnreadableTagsAreMarkedNotDropped() throws Exception {
    List<String> texts = List.of("Prove that good.", "Missing condition.", "Compute 2+2.", "Trivial.", "Odd answer.", "Hard but fine.");
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(Problem.SCHEMA.toRow(new Problem("p" + i, texts.get(i), null, null, null, "test", null, null, null, false, "t#" + i, "{}")));
    }
    String problems = dir.resolve("problems").toString();
    DatasetWriter.of(spark.createDataFrame(rows, Problem.SCHEMA.schema())).to(problems).named("problems").keyedBy("problem_id").execute();
    try (ScriptedServer tagger = new ScriptedServer((body, seen) -> {
      String user = body.path("messages").path(1).path("content").asText();
      String answer = user.contains("Missing condition") ? tags(true, 5, false)
          : user.contains("Compute 2+2") ? tags(false, 1, true)
          : user.contains("Trivial") ? tags(false, 1, false)
          : user.contains("Odd answer") ? "{\"incomplete\": \"maybe\", \"difficulty\": 4}"
          : user.contains("Hard but fine") ? tags(false, 9, false) : tags(false, 6, false);
      return ScriptedServer.Reply.ok("<think>Looking.</think>" + answer);
    })) {
      FilterReport report = Filter.of(spark, problems)
          .settings(new FilterSettings("judge", List.of("incomplete", "wrong", "computational"), 2, 8, true),
              PromptTemplate.load(FilterPrompt.NAME, Map.of(), FilterPrompt.PLACEHOLDERS))
          .role(new Role("judge", LlmSettings.DEFAULTS.with(Map.of("retry", new RetrySettings(1, 0, 0, 10), "max-tokens", 64)),
              OpenEndpoint.of(new Endpoint(tagger.baseUrl(), "tagger", tagger.baseUrl())), dir.resolve("cache").toString()))
          .into(dir.resolve("out").toString()).execute();

      assertEquals(List.of("p0", "p4"), List.copyOf(byId(report.problemsPath()).keySet()), "the good one, and the unreadable one kept");
      Map<String, Row> dropped = byId(report.droppedPath());
      assertEquals("incomplete", dropped.get("p1").getAs("reason"));
      assertEquals("computational", dropped.get("p2").getAs("reason"));
      assertEquals("too_easy", dropped.get("p3").getAs("reason"));
      assertEquals("too_hard", dropped.get("p5").getAs("reason"));
      Row unreadable = byId(report.problemsPath()).get("p4");
      assertEquals("unreadable", unreadable.getAs("filter_status"));
      assertTrue(unreadable.<String>getAs("filter_error").contains("tag 'incomplete' must be true or false"), unreadable.toString());
      assertEquals(Map.of("ok", 5L, "unreadable", 1L), report.tagsByStatus());
      assertEquals(6, report.tagging().requests());
    }
  }
}
