package dev.qedspark.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qedspark.io.Problem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordMapperTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static IngestedRecord map(SourceSpec spec, String json) throws Exception {
    JsonNode node = JSON.readTree(json);
    return new RecordMapper(spec).map("f.jsonl", 7, json, node);
  }

  private static SourceSpec declared(Map<String, String> columns, Map<String, String> constants, List<String> nulls) {
    return new SourceSpec("src", "f.jsonl", null, true, ColumnMapping.declared(columns), constants, nulls);
  }

  @Test
  void declaredColumnsFillTheFieldsAndTheRestGoesToMetadata() throws Exception {
    SourceSpec spec = declared(Map.of("problem_id", "Problem ID", "problem", "Problem", "solution", "sols[1]"),
        Map.of("competition", "Putnam"), List.of("None."));
    Problem p = map(spec, "{\"Problem ID\": \"A1\", \"Problem\": \" Prove $x>0$. \", \"sols\": [\"s0\", \"s1\"],"
        + " \"year\": 2016, \"answer\": \"None.\", \"extra\": null}").problem();
    assertEquals("src:A1", p.problemId());
    assertEquals("Prove $x>0$.", p.problem());
    assertEquals("s1", p.solution(), "name[i] takes element i");
    assertEquals("Putnam", p.competition(), "constants fill fields without a column");
    assertEquals("src", p.source());
    assertTrue(p.benchmark());
    assertEquals("f.jsonl#7", p.origin());
    assertEquals(Problem.metadataJson(Map.of("sols", "[\"s0\",\"s1\"]", "year", "2016", "answer", "None.")), p.metadata(),
        "unmapped columns are kept, nested ones as JSON; nulls are left out");
  }

  @Test
  void commonNamesMatchIgnoringCaseSpacesAndUnderscores() throws Exception {
    SourceSpec spec = new SourceSpec("in", "x.csv", null, false, ColumnMapping.COMMON_NAMES, Map.of(), InputFiles.COMMON_NULL_VALUES);
    Problem p = map(spec, "{\"Problem ID\": \"7\", \"Informal Statement\": \"Find n.\", \"Short Answer\": \"3\","
        + " \"informal_solution\": \"None.\", \"Difficulty\": 6.5}").problem();
    assertEquals("in:7", p.problemId());
    assertEquals("Find n.", p.problem());
    assertEquals("3", p.answer());
    assertNull(p.solution(), "null markers mean absent");
    assertEquals("6.5", p.level());
  }

  @Test
  void withoutAnIdTheIdIsAStableHashOfTheText() throws Exception {
    SourceSpec spec = declared(Map.of("problem", "text"), Map.of(), List.of());
    String a = map(spec, "{\"text\": \"Prove that  1+1=2.\"}").problem().problemId();
    String b = map(spec, "{\"text\": \"Prove that 1+1=2.\\n\"}").problem().problemId();
    String c = map(spec, "{\"text\": \"Prove that 1+1=3.\"}").problem().problemId();
    assertTrue(a.matches("src:h[0-9a-f]{16}"), a);
    assertEquals(a, b, "white space does not change the id");
    assertFalse(a.equals(c), "different constants give different ids");
  }

  @Test
  void aRecordWithoutProblemTextIsQuarantinedWithTheColumnsItHas() throws Exception {
    SourceSpec spec = declared(Map.of("problem", "statement"), Map.of(), List.of());
    IngestedRecord r = map(spec, "{\"id\": 1, \"statment\": \"typo\"}");
    assertNull(r.problem());
    assertEquals(IngestedRecord.MISSING_PROBLEM, r.reason());
    assertTrue(r.detail().contains("[statement]") && r.detail().contains("[id, statment]"), r.detail());
    assertEquals("{\"id\": 1, \"statment\": \"typo\"}", r.raw());
    IngestedRecord blank = map(spec, "{\"statement\": \"   \"}");
    assertEquals(IngestedRecord.MISSING_PROBLEM, blank.reason());
  }

  @Test
  void aJsonValueThatIsNotAnObjectIsQuarantined() throws Exception {
    IngestedRecord r = map(declared(Map.of("problem", "p"), Map.of(), List.of()), "[1, 2]");
    assertEquals(IngestedRecord.NOT_AN_OBJECT, r.reason());
    assertNotNull(r.detail());
  }

  @Test
  void textThatIsOnlyUnicodeSpaceIsBlank() throws Exception {
    SourceSpec spec = declared(Map.of("problem", "statement", "solution", "proof"), Map.of(), List.of());
    for (String blank : List.of("\\u00a0\\u00a0", "\\u200b", "\\u2007 \\u202f", "\\ufeff", "\\u3000\\n\\t", "\\u2060\\u200d")) {
      IngestedRecord r = map(spec, "{\"statement\": \"" + blank + "\"}");
      assertEquals(IngestedRecord.MISSING_PROBLEM, r.reason(), "'" + blank + "' is blank");
    }
    Problem p = map(spec, "{\"statement\": \"Prove it.\", \"proof\": \"\\u00a0\\u200b\"}").problem();
    assertNull(p.solution(), "a blank solution is no solution");
    assertEquals("Prove\u00a0it.", map(spec, "{\"statement\": \"Prove\\u00a0it.\"}").problem().problem(), "inner spaces stay");
  }

  @Test
  void aProblemThatIsNotTextIsTheWrongType() throws Exception {
    SourceSpec spec = declared(Map.of("problem", "statement"), Map.of(), List.of());
    for (String value : List.of("42", "false", "[1, 2, \"x\"]", "{\"text\": \"Prove it.\"}")) {
      IngestedRecord r = map(spec, "{\"statement\": " + value + "}");
      assertNull(r.problem(), value);
      assertEquals(IngestedRecord.WRONG_TYPE, r.reason(), value);
      assertTrue(r.detail().contains("must be text"), r.detail());
    }
  }

  @Test
  void aNumberInOneProblemColumnDoesNotHideTheTextInAnother() throws Exception {
    SourceSpec spec = declared(Map.of("problem", "problem"), Map.of(), List.of());
    SourceSpec common = new SourceSpec("src", "f.jsonl", null, false, ColumnMapping.COMMON_NAMES, Map.of(), List.of());
    Problem p = map(common, "{\"problem\": 17, \"statement\": \"Prove that 17 is prime.\"}").problem();
    assertEquals("Prove that 17 is prime.", p.problem(), "the numeric column is the problem's number");
    assertEquals(IngestedRecord.WRONG_TYPE, map(spec, "{\"problem\": 17}").reason());
  }
}
