package dev.qedspark.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.io.DatasetReader;
import dev.qedspark.io.DatasetWriter;
import dev.qedspark.io.Problem;
import dev.qedspark.llm.AnswerParser;
import dev.qedspark.llm.Completion;
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

class RubricsTest extends SparkTestBase {
  private static final String VALID = "{\"checkpoints\": [{\"chain\": \"A\", \"description\": \"Key lemma\", \"points\": 4, \"key_idea\": true},"
      + " {\"chain\": \"A\", \"description\": \"Finish\", \"points\": 3, \"key_idea\": false}],"
      + " \"zero_credit\": [\"Small cases\"], \"deductions\": [{\"description\": \"Arithmetic slip\", \"points\": 1}],"
      + " \"caps\": [{\"description\": \"No proof of the lemma\", \"max_points\": 2}]}";

  @TempDir Path dir;

  private static Object[] parse(String answer) throws AnswerParser.Unreadable {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    var response = json.createObjectNode();
    response.putArray("choices").addObject().putObject("message").put("content", answer);
    return new RubricParser().parse(Completion.of(response, 0), null);
  }

  private static String unreadable(String answer) {
    return assertThrows(AnswerParser.Unreadable.class, () -> parse(answer), answer).getMessage();
  }

  @Test
  void aSchemeIsReadIntoTypedColumnsAndRenderedAsText() throws Exception {
    Object[] parsed = parse("<think>Let me see.</think>Here it is:\n```json\n" + VALID + "\n```");
    assertEquals(2, ((List<?>) parsed[0]).size());
    assertEquals(List.of("Small cases"), parsed[1]);
    String text = (String) parsed[4];
    assertTrue(text.startsWith("- (4 points, key idea) Key lemma\n- (3 points) Finish"), text);
    assertTrue(text.contains("No credit for:\n- Small cases") && text.contains("- minus 1: Arithmetic slip")
        && text.contains("- at most 2: No proof of the lemma"), text);
  }

  @Test
  void aSchemeThatBreaksARuleSaysWhich() throws Exception {
    assertTrue(unreadable(VALID.replace("\"points\": 3", "\"points\": 2")).contains("sum to 6 points, not 7"));
    assertTrue(unreadable(VALID.replace("\"points\": 4, \"key_idea\": true", "\"points\": 4, \"key_idea\": false"))
        .contains("key ideas of chain A carry 0 points"));
    assertTrue(unreadable(VALID.replace("\"points\": 3", "\"points\": 2.5")).contains("must be a whole number"));
    assertTrue(unreadable("{\"zero_credit\": []}").contains("'checkpoints' is missing"));
    assertTrue(unreadable("I cannot do that.").contains("no JSON object"));
    assertTrue(unreadable("{\"checkpoints\": [}").contains("cannot be read"));
    String twoChains = VALID.replace("]," + " \"zero_credit\"", ", {\"chain\": \"B\", \"description\": \"Other route\", \"points\": 7,"
        + " \"key_idea\": true}], \"zero_credit\"");
    assertTrue(((String) parse(twoChains)[4]).contains("Solution chain B"), "each chain sums to 7 on its own");
  }

  @Test
  void schemesAreAskedAgainUntilTheyKeepTheRulesThenMarked() throws Exception {
    List<Row> rows = List.of(
        problem("p1", "Solution 1.", null), problem("p2", "Solution 2.", null), problem("p3", "Solution 3.", null),
        problem("p4", "Solution 4.", "Given rubric."), problem("p5", null, null));
    String problems = dir.resolve("problems").toString();
    DatasetWriter.of(spark.createDataFrame(rows, Problem.SCHEMA.schema())).to(problems).named("problems").keyedBy("problem_id").execute();
    try (ScriptedServer writer = new ScriptedServer((body, seen) -> {
      String user = body.path("messages").path(1).path("content").asText();
      boolean secondTry = body.path("seed").asInt() == 8;
      if (user.contains("Solution 1.") || (user.contains("Solution 2.") && secondTry)) {
        return ScriptedServer.Reply.ok(VALID);
      }
      return ScriptedServer.Reply.ok(VALID.replace("\"points\": 3", "\"points\": 1"));
    })) {
      LlmSettings settings = LlmSettings.DEFAULTS.with(Map.of("seed", 7, "temperature", 0.0, "max-tokens", 64,
          "retry", new RetrySettings(1, 0, 0, 10)));
      RubricsReport report = Rubrics.of(spark, problems)
          .settings(new RubricSettings("teacher", 2), PromptTemplate.load(RubricPrompt.NAME, Map.of(), RubricPrompt.PLACEHOLDERS))
          .role(new Role("teacher", settings, OpenEndpoint.of(new Endpoint(writer.baseUrl(), "writer", writer.baseUrl())),
              dir.resolve("cache").toString()))
          .into(dir.resolve("out").toString()).execute();

      assertEquals(5, writer.requests(), "p1 once, p2 twice (valid the second time), p3 twice; p4 and p5 never");
      Map<String, Row> schemes = new TreeMap<>();
      DatasetReader.read(spark, report.rubricsPath()).collectAsList().forEach(r -> schemes.put(r.getAs("problem_id"), r));
      assertEquals(List.of("p1", "p2", "p3"), List.copyOf(schemes.keySet()));
      assertEquals("ok", schemes.get("p2").getAs("status"));
      assertEquals(2, schemes.get("p2").<Integer>getAs("attempts"));
      assertEquals("invalid", schemes.get("p3").getAs("status"));
      assertTrue(schemes.get("p3").<String>getAs("error").contains("sum to 5 points"));
      assertNull(schemes.get("p3").getAs("rubric_text"));

      Map<String, Row> out = new TreeMap<>();
      DatasetReader.read(spark, report.problemsPath()).collectAsList().forEach(r -> out.put(r.getAs("problem_id"), r));
      assertEquals(Map.of("p1", "generated", "p2", "generated", "p3", "invalid", "p4", "given", "p5", "no_solution"),
          new TreeMap<>(out.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
              e -> e.getValue().<String>getAs("rubric_source")))));
      assertTrue(out.get("p1").<String>getAs("rubric").contains("(4 points, key idea) Key lemma"));
      assertEquals("Given rubric.", out.get("p4").getAs("rubric"));
      assertEquals(Map.of("invalid", 1L, "ok", 2L), report.byStatus());
    }
  }

  private static Row problem(String id, String solution, String rubric) {
    return Problem.SCHEMA.toRow(new Problem(id, "Problem " + id, solution, null, rubric, "test", null, null, null, false,
        "test#1", "{}"));
  }
}
