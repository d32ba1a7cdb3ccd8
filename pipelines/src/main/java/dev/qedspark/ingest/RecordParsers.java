package dev.qedspark.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses source text into {@link IngestedRecord}s, one format at a time. Each parser turns every
 * record it cannot read into a quarantined record with its line and raw text, and goes on with
 * the next record where the format allows it.
 */
final class RecordParsers {
  /** Raw text kept for a record that broke a whole document is cut to this many characters. */
  static final int MAX_RAW_CHARS = 64 * 1024;

  /** For a whole line: anything after the first value makes the line malformed. */
  private static final ObjectMapper JSON_LINE = mapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  /** For values inside a document, where more values follow. */
  private static final ObjectMapper JSON = mapper();

  /** Deepest nesting read; deeper records are {@code too_deep}. */
  static final int MAX_DEPTH = 1_000;
  /** Longest number read, in characters; longer ones are {@code too_long}. */
  static final int MAX_NUMBER_CHARS = 1_000;

  /**
   * The parser's limits, set here rather than taken from Jackson's defaults so that they are what
   * docs/commands.md says. No string limit: ingest.max-text-chars decides what is too long.
   */
  private static ObjectMapper mapper() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE)
        .maxNestingDepth(MAX_DEPTH).maxNumberLength(MAX_NUMBER_CHARS).build());
    return mapper;
  }

  private RecordParsers() {}

  /** One line of a JSON Lines file (or one Parquet row rendered as JSON); null for a blank line. */
  static IngestedRecord jsonLine(RecordMapper mapper, String file, long line, String text) {
    if (text.isBlank()) {
      return null;
    }
    JsonNode node;
    try {
      node = JSON_LINE.readTree(text);
    } catch (JsonProcessingException e) {
      return mapper.quarantine(file, line, text, reasonFor(e), e.getOriginalMessage());
    }
    return mapper.map(file, line, text, node);
  }

  /**
   * A JSON document: an array of objects, or objects one after another. A syntax error ends the
   * document: everything from the broken record on is quarantined as one record.
   */
  static List<IngestedRecord> jsonDocument(RecordMapper mapper, String file, String text) {
    text = text.startsWith("\uFEFF") ? text.substring(1) : text; // a byte-order mark is not part of the document
    List<IngestedRecord> out = new ArrayList<>();
    long recordLine = 1;
    int recordStart = 0;
    try (JsonParser parser = JSON.createParser(text)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token == JsonToken.START_ARRAY) {
          while (true) {
            JsonToken elementStart = parser.nextToken();
            recordLine = parser.currentTokenLocation().getLineNr();
            recordStart = (int) parser.currentTokenLocation().getCharOffset();
            if (elementStart == JsonToken.END_ARRAY || elementStart == null) {
              break;
            }
            JsonNode node = JSON.readTree(parser);
            out.add(mapper.map(file, recordLine, node.toString(), node));
          }
        } else {
          recordLine = parser.currentTokenLocation().getLineNr();
          recordStart = (int) parser.currentTokenLocation().getCharOffset();
          JsonNode node = JSON.readTree(parser);
          out.add(mapper.map(file, recordLine, node.toString(), node));
        }
      }
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String detail = e.getOriginalMessage() + (at != null ? " (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")" : "")
          + "; the rest of the document could not be read";
      out.add(mapper.quarantine(file, recordLine, text.substring(Math.min(recordStart, text.length())),
          reasonFor(e), detail));
    } catch (IOException e) {
      out.add(mapper.quarantine(file, recordLine, "", IngestedRecord.MALFORMED_JSON, e.getMessage()));
    }
    return out;
  }

  /**
   * Valid JSON that breaks the parser's limits is not malformed: nesting deeper than
   * {@link #MAX_DEPTH} is {@code too_deep}, a number longer than {@link #MAX_NUMBER_CHARS} (or of
   * a larger scale than Jackson reads) {@code too_long}.
   */
  private static String reasonFor(JsonProcessingException e) {
    if (!(e instanceof StreamConstraintsException)) {
      return IngestedRecord.MALFORMED_JSON;
    }
    return e.getOriginalMessage().contains("nesting depth") ? IngestedRecord.TOO_DEEP : IngestedRecord.TOO_LONG;
  }

  /**
   * A CSV file with a header row. Quoted cells may span lines; a row whose cell count differs from
   * the header's, or that breaks the quoting rules, is quarantined and reading goes on.
   */
  static List<IngestedRecord> csv(RecordMapper mapper, String file, String text) {
    List<IngestedRecord> out = new ArrayList<>();
    CsvRows rows = new CsvRows(text);
    if (!rows.hasNext()) {
      return out;
    }
    List<String> header = rows.next().cells().stream().map(String::strip).toList();
    while (rows.hasNext()) {
      CsvRows.Row row = rows.next();
      if (row.error() != null) {
        out.add(mapper.quarantine(file, row.line(), row.raw(), IngestedRecord.MALFORMED_CSV, row.error()));
      } else if (row.cells().size() == 1 && row.cells().get(0).isBlank()) {
        continue;
      } else if (row.cells().size() != header.size()) {
        out.add(mapper.quarantine(file, row.line(), row.raw(), IngestedRecord.MALFORMED_CSV,
            "row has " + row.cells().size() + " cells, the header has " + header.size()));
      } else {
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < header.size(); i++) {
          record.put(header.get(i), row.cells().get(i));
        }
        out.add(mapper.map(file, row.line(), row.raw(), record));
      }
    }
    return out;
  }

  static String truncate(String text) {
    return text.length() <= MAX_RAW_CHARS ? text : text.substring(0, MAX_RAW_CHARS) + "\n[... truncated]";
  }
}
