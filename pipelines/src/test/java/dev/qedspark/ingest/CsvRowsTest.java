package dev.qedspark.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRowsTest {
  private static List<CsvRows.Row> all(String text) {
    CsvRows rows = new CsvRows(text);
    List<CsvRows.Row> out = new ArrayList<>();
    while (rows.hasNext()) {
      out.add(rows.next());
    }
    return out;
  }

  @Test
  void quotedCellsKeepSeparatorsDoubledQuotesAndLineBreaks() {
    String text = "id,problem,answer\n"
        + "1,\"Let $a, b$ be reals.\nShow \"\"this\"\".\",3\n"
        + "2,plain,4\n";
    List<CsvRows.Row> rows = all(text);
    assertEquals(3, rows.size());
    assertEquals(List.of("1", "Let $a, b$ be reals.\nShow \"this\".", "3"), rows.get(1).cells());
    assertEquals(2, rows.get(1).line());
    assertEquals(4, rows.get(2).line(), "the line count includes breaks inside quoted cells");
    assertEquals("2,plain,4", rows.get(2).raw());
    assertNull(rows.get(1).error());
  }

  @Test
  void windowsLineEndingsAndAByteOrderMarkAreHandled() {
    List<CsvRows.Row> rows = all("\uFEFFid,problem\r\n1,\"a\r\nb\"\r\n2,c\r\n");
    assertEquals(List.of("id", "problem"), rows.get(0).cells());
    assertEquals(List.of("1", "a\r\nb"), rows.get(1).cells());
    assertEquals(List.of("2", "c"), rows.get(2).cells());
    assertEquals(4, rows.get(2).line());
  }

  @Test
  void textAfterAClosingQuoteSpoilsOnlyItsOwnRow() {
    List<CsvRows.Row> rows = all("id,p\n1,\"broken\n\\]\n,\"x\"\n2,fine\n");
    CsvRows.Row bad = rows.get(1);
    assertTrue(bad.error().contains("after the closing quote of cell 2"), bad.error());
    assertEquals(2, bad.line());
    assertTrue(bad.raw().startsWith("1,\"broken"), bad.raw());
    assertEquals(List.of("2", "fine"), rows.get(2).cells(), "reading goes on after the bad row");
    assertNull(rows.get(2).error());
  }

  @Test
  void anUnclosedQuoteMakesTheRestOneBadRow() {
    List<CsvRows.Row> rows = all("id,p\n1,\"never closed\n2,x\n3,y\n");
    assertEquals(2, rows.size());
    assertTrue(rows.get(1).error().contains("never closed"), rows.get(1).error());
    assertTrue(rows.get(1).raw().contains("3,y"));
  }

  @Test
  void aQuoteInsideAnUnquotedCellIsLiteral() {
    CsvRows.Row row = all("a 5\" ruler,b\n").get(0);
    assertEquals(List.of("a 5\" ruler", "b"), row.cells());
    assertNull(row.error());
  }

  @Test
  void anEmptyTextHasNoRows() {
    assertFalse(new CsvRows("").hasNext());
  }
}
