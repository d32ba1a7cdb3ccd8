package dev.qedspark.ingest;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One problem source: where its files are, how to read them and how their columns fill the
 * {@code problems} fields.
 *
 * @param name short name; becomes the {@code source} column and the prefix of problem ids
 * @param path a file, a folder or a glob
 * @param format how to read it; null to go by the file extension
 * @param benchmark whether this is a benchmark set that later stages decontaminate against
 * @param columns which source column fills which field
 * @param constants values for fields the source has no column for (e.g. a competition name)
 * @param nullValues cell values that mean "absent" (blank cells always do)
 * @param license the source's licence as the catalog states it (null: not stated); recorded in
 *     the ingest report, from where dataset cards take it
 */
public record SourceSpec(
    String name,
    String path,
    SourceFormat format,
    boolean benchmark,
    ColumnMapping columns,
    Map<String, String> constants,
    List<String> nullValues,
    String license) implements Serializable {

  /** A source whose licence is not stated. */
  public SourceSpec(String name, String path, SourceFormat format, boolean benchmark, ColumnMapping columns, Map<String, String> constants,
      List<String> nullValues) {
    this(name, path, format, benchmark, columns, constants, nullValues, null);
  }

  public SourceSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(path, "path");
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("source name '" + name + "' must be letters, digits, '.', '_' or '-'");
    }
    constants = constants == null ? Map.of() : Map.copyOf(constants);
    nullValues = nullValues == null ? List.of() : List.copyOf(nullValues);
    for (String field : constants.keySet()) {
      if (!ColumnMapping.FIELDS.contains(field) || field.equals("problem") || field.equals("problem_id")) {
        throw new IllegalArgumentException("source " + name + ": constant '" + field + "' is not allowed;"
            + " constants can set solution, answer, rubric, competition, category or level");
      }
    }
  }

  /** The format to read with: the declared one, else the one the path's extension implies. */
  public SourceFormat effectiveFormat() {
    return format != null ? format : SourceFormat.fromExtension(path);
  }
}
