package dev.qedspark.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordParsersTest {
  private static final RecordMapper MAPPER = new RecordMapper(
      new SourceSpec("t", "x", null, false, ColumnMapping.declared(Map.of("problem", "problem", "problem_id", "id")), Map.of(), List.of()));

  @Test
  void jsonLinesAreParsedOneByOneAndBlankLinesSkipped() {
    IngestedRecord ok = RecordParsers.jsonLine(MAPPER, "f", 3, "{\"id\": \"a\", \"problem\": \"P\"}");
    assertEquals("t:a", ok.problem().problemId());
    assertEquals(3, ok.line());
    assertNull(RecordParsers.jsonLine(MAPPER, "f", 4, "   "));
    IngestedRecord bad = RecordParsers.jsonLine(MAPPER, "f", 5, "{\"id\": \"b\", \"problem\": ");
    assertEquals(IngestedRecord.MALFORMED_JSON, bad.reason());
    assertEquals("{\"id\": \"b\", \"problem\": ", bad.raw());
    IngestedRecord twoValues = RecordParsers.jsonLine(MAPPER, "f", 6, "{\"problem\": \"P\"} {\"problem\": \"Q\"}");
    assertEquals(IngestedRecord.MALFORMED_JSON, twoValues.reason(), "a line holds exactly one value");
  }

  @Test
  void aJsonDocumentMayBeAnArrayOrObjectsInARow() {
    List<IngestedRecord> array = RecordParsers.jsonDocument(MAPPER, "f",
        "[\n  {\"id\": \"1\", \"problem\": \"A\"},\n  {\"id\": \"2\", \"problem\": \"B\"}\n]\n");
    assertEquals(List.of("t:1", "t:2"), array.stream().map(r -> r.problem().problemId()).toList());
    assertEquals(List.of(2L, 3L), array.stream().map(IngestedRecord::line).toList());
    List<IngestedRecord> stream = RecordParsers.jsonDocument(MAPPER, "f", "{\"problem\": \"A\"}\n{\"problem\": \"B\"}\n");
    assertEquals(2, stream.size());
  }

  @Test
  void aBrokenJsonDocumentKeepsWhatCameBeforeAndQuarantinesTheRest() {
    List<IngestedRecord> records = RecordParsers.jsonDocument(MAPPER, "f",
        "[\n {\"id\": \"1\", \"problem\": \"A\"},\n {\"id\": \"2\", \"problem\": \"B\",,},\n {\"id\": \"3\", \"problem\": \"C\"}\n]");
    assertEquals(2, records.size());
    assertEquals("t:1", records.get(0).problem().problemId());
    IngestedRecord rest = records.get(1);
    assertEquals(IngestedRecord.MALFORMED_JSON, rest.reason());
    assertEquals(3, rest.line());
    assertTrue(rest.raw().startsWith("{\"id\": \"2\""), rest.raw());
    assertTrue(rest.detail().contains("line 3"), rest.detail());
  }

  @Test
  void csvRowsWithTheWrongCellCountAreQuarantinedAndTheOthersKept() {
    List<IngestedRecord> records = RecordParsers.csv(MAPPER, "f.csv",
        "id,problem\n1,\"Multi\nline, with comma\"\n2,too,many\n\n3,last\n");
    assertEquals(3, records.size());
    assertEquals("Multi\nline, with comma", records.get(0).problem().problem());
    assertEquals(IngestedRecord.MALFORMED_CSV, records.get(1).reason());
    assertEquals("2,too,many", records.get(1).raw());
    assertEquals(4, records.get(1).line());
    assertEquals("t:3", records.get(2).problem().problemId());
  }
}
