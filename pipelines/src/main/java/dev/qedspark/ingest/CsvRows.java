package dev.qedspark.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 4180 CSV reader that keeps, for every row, the line it starts on and its raw text, so a
 * bad row can be quarantined as it was written. Quoted cells may hold separators, doubled quotes
 * and line breaks; a quote inside an unquoted cell is taken literally, as most writers mean it.
 */
final class CsvRows {
  /** One row: its cells, the 1-based line it starts on, its raw text, and a problem if any. */
  record Row(List<String> cells, long line, String raw, String error) {}

  private final String text;
  private int pos;
  private long line = 1;

  CsvRows(String text) {
    this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  boolean hasNext() {
    return pos < text.length();
  }

  /**
   * Reads the next row. A character after a closing quote other than a separator or a line
   * break makes the row bad: it is read up to the end of its line and returned with an error.
   * A quote that is never closed makes the rest of the text one bad row.
   */
  Row next() {
    int start = pos;
    long startLine = line;
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    String error = null;
    boolean quoted = false;
    boolean afterQuote = false;
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (quoted) {
        if (c == '"') {
          if (pos < text.length() && text.charAt(pos) == '"') {
            cell.append('"');
            pos++;
          } else {
            quoted = false;
            afterQuote = true;
          }
        } else {
          countLine(c);
          cell.append(c);
        }
      } else if (c == ',') {
        cells.add(cell.toString());
        cell.setLength(0);
        afterQuote = false;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && pos < text.length() && text.charAt(pos) == '\n') {
          pos++;
        }
        line++;
        return finish(cells, cell, startLine, start, error);
      } else if (afterQuote) {
        if (error == null) {
          error = "unexpected '" + c + "' after the closing quote of cell " + (cells.size() + 1);
        }
      } else if (c == '"' && cell.length() == 0) {
        quoted = true;
      } else {
        cell.append(c);
      }
    }
    if (quoted) {
      error = "a quoted cell starting in this row is never closed; the rest of the file could not be read";
    }
    return finish(cells, cell, startLine, start, error);
  }

  private Row finish(List<String> cells, StringBuilder cell, long startLine, int start, String error) {
    cells.add(cell.toString());
    return new Row(cells, startLine, text.substring(start, pos).stripTrailing(), error);
  }

  private void countLine(char c) {
    if (c == '\n' || (c == '\r' && (pos >= text.length() || text.charAt(pos) != '\n'))) {
      line++;
    }
  }
}
