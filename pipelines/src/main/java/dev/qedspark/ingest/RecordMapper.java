package dev.qedspark.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qedspark.io.Problem;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns one parsed source record into a {@link Problem}, or a quarantined record saying why not. */
final class RecordMapper implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern INDEXED = Pattern.compile("(.*)\\[(\\d+)]$");

  private final SourceSpec spec;
  private final int maxTextChars;

  RecordMapper(SourceSpec spec, int maxTextChars) {
    this.spec = spec;
    this.maxTextChars = maxTextChars;
  }

  RecordMapper(SourceSpec spec) {
    this(spec, IngestSettings.DEFAULTS.maxTextChars());
  }

  /** A record with a text longer than ingest.max-text-chars: its raw text is cut, the reason says by how much. */
  IngestedRecord tooLong(String file, long line, String raw, String what, long chars) {
    return quarantine(file, line, raw, IngestedRecord.TOO_LONG,
        what + " has " + chars + " characters, more than ingest.max-text-chars (" + maxTextChars + ")");
  }

  String source() {
    return spec.name();
  }

  IngestedRecord quarantine(String file, long line, String raw, String reason, String detail) {
    return IngestedRecord.quarantined(spec.name(), file, line, raw, reason, detail);
  }

  /** Maps a parsed JSON value; anything but an object is quarantined. */
  IngestedRecord map(String file, long line, String raw, JsonNode node) {
    if (!(node instanceof ObjectNode record)) {
      return quarantine(file, line, raw, IngestedRecord.NOT_AN_OBJECT,
          "expected a JSON object with named fields, found " + node.getNodeType().toString().toLowerCase());
    }
    Map<String, String> byComparable = new HashMap<>();
    record.fieldNames().forEachRemaining(name -> byComparable.putIfAbsent(ColumnMapping.comparable(name), name));
    Set<String> used = new HashSet<>();
    Map<String, String> values = new HashMap<>();
    for (String field : ColumnMapping.FIELDS) {
      // The problem is read from text only: a numeric "problem" column is its number, not its statement.
      String value = resolve(record, byComparable, spec.columns().candidatesFor(field), used, field.equals("problem"));
      if (value == null) {
        value = spec.constants().get(field);
      }
      values.put(field, value);
    }
    String wrongType = values.get("problem") == null ? problemOfWrongType(record, byComparable) : null;
    if (wrongType != null) {
      return quarantine(file, line, raw, IngestedRecord.WRONG_TYPE, wrongType);
    }
    for (String field : List.of("problem", "solution", "answer", "rubric")) {
      String value = values.get(field);
      if (value != null && value.length() > maxTextChars) {
        return tooLong(file, line, raw, "the " + field, value.length());
      }
    }
    String problem = values.get("problem");
    if (problem == null) {
      return quarantine(file, line, raw, IngestedRecord.MISSING_PROBLEM,
          "no problem text in column(s) " + spec.columns().candidatesFor("problem")
              + "; the record has " + fieldNames(record));
    }
    Map<String, String> metadata = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = record.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (!used.contains(f.getKey()) && !f.getValue().isNull()) {
        metadata.put(f.getKey(), text(f.getValue()));
      }
    }
    String sourceId = values.get("problem_id");
    String id = spec.name() + ":" + (sourceId != null ? sourceId : textHash(problem));
    return new IngestedRecord(spec.name(), file, line, raw,
        new Problem(id, problem, values.get("solution"), values.get("answer"), values.get("rubric"),
            spec.name(), values.get("competition"), values.get("category"), values.get("level"),
            spec.benchmark(), file + "#" + line, Problem.metadataJson(metadata)),
        null, null);
  }

  /** The first candidate column with a value that is present and not a null marker. */
  private String resolve(ObjectNode record, Map<String, String> byComparable, List<String> candidates, Set<String> used, boolean textOnly) {
    for (String candidate : candidates) {
      String actual = byComparable.get(ColumnMapping.comparable(column(candidate)));
      if (actual == null) {
        continue;
      }
      JsonNode node = value(record.get(actual), candidate);
      if (!INDEXED.matcher(candidate).matches()) {
        used.add(actual);
      }
      String value = node == null || node.isNull() || textOnly && !node.isTextual() ? null : text(node).strip();
      if (value != null && !isBlank(value) && !spec.nullValues().contains(value)) {
        return value;
      }
    }
    return null;
  }

  /**
   * The problem text must be text: a number, boolean, array or object is an error in the source,
   * not a problem to keep as "42" or "[1,2]". Only when no problem column holds text: a record
   * with a numeric "problem" (its number) and a text "statement" is read from the statement.
   */
  private String problemOfWrongType(ObjectNode record, Map<String, String> byComparable) {
    String wrong = null;
    for (String candidate : spec.columns().candidatesFor("problem")) {
      String actual = byComparable.get(ColumnMapping.comparable(column(candidate)));
      JsonNode node = actual == null ? null : value(record.get(actual), candidate);
      if (node == null || node.isNull() || node.isTextual() && isBlank(node.asText())) {
        continue;
      }
      if (node.isTextual()) {
        return null;
      }
      if (wrong == null) {
        wrong = "the problem in column '" + actual + "' must be text, not " + node.getNodeType().toString().toLowerCase();
      }
    }
    return wrong;
  }

  /**
   * Blank in Unicode: nothing but white space (any Unicode space separator: no-break, figure,
   * narrow, ideographic, ...), zero-width characters, the byte-order mark and control characters.
   */
  static boolean isBlank(String value) {
    return value.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)
        || c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF || Character.getType(c) == Character.FORMAT);
  }

  /** The column a candidate names: {@code sols} for {@code sols[1]}. */
  private static String column(String candidate) {
    Matcher indexed = INDEXED.matcher(candidate);
    return indexed.matches() ? indexed.group(1) : candidate;
  }

  /** The candidate's value in a column's node: element i for {@code name[i]}, else the node itself. */
  private static JsonNode value(JsonNode node, String candidate) {
    Matcher indexed = INDEXED.matcher(candidate);
    if (!indexed.matches()) {
      return node;
    }
    return node != null && node.isArray() ? node.get(Integer.parseInt(indexed.group(2))) : null;
  }

  private static String text(JsonNode node) {
    return node.isValueNode() ? node.asText() : node.toString();
  }

  private static String fieldNames(ObjectNode record) {
    StringBuilder names = new StringBuilder("[");
    record.fieldNames().forEachRemaining(n -> names.append(names.length() > 1 ? ", " : "").append(n));
    return names.append(']').toString();
  }

  /**
   * The id of a problem whose source gives none: a hash of its text after Unicode NFC and
   * white-space folding. Deliberately simpler than curation's normalization, so ids stay stable
   * when that normalization improves.
   */
  static String textHash(String problem) {
    String canonical = Normalizer.normalize(problem, Normalizer.Form.NFC).strip().replaceAll("\\s+", " ");
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return "h" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
