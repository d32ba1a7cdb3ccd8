package dev.qedspark.ingest;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which source columns fill which {@code problems} fields. Each field has candidate column names,
 * tried in order; names match ignoring case, spaces, hyphens and underscores, and
 * {@code name[i]} takes element i of an array column.
 */
public record ColumnMapping(Map<String, List<String>> candidates) implements Serializable {

  /** The fields of {@code problems} that come from source columns. */
  public static final Set<String> FIELDS =
      Set.of("problem_id", "problem", "solution", "answer", "rubric", "competition", "category", "level");

  /** Column names commonly used for each field, for input files without a declared mapping. */
  public static final ColumnMapping COMMON_NAMES = new ColumnMapping(Map.of(
      "problem_id", List.of("problem_id", "id", "problem_name", "uid", "uuid", "question_id", "task_id"),
      "problem", List.of("problem", "statement", "problem_statement", "informal_statement", "question", "problem_text"),
      "solution", List.of("solution", "reference_solution", "informal_solution", "informal_proof", "proof", "reference_solutions[0]"),
      "answer", List.of("answer", "short_answer", "final_answer", "gold_answer"),
      "rubric", List.of("rubric", "rubrics", "grading_guidelines", "grading_scheme", "marking_scheme"),
      "competition", List.of("competition", "contest"),
      "category", List.of("category", "subject", "topic", "domain"),
      "level", List.of("level", "difficulty")));

  public ColumnMapping {
    for (String field : candidates.keySet()) {
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException("'" + field + "' is not a problems field that a column can fill;"
            + " fields: " + String.join(", ", FIELDS.stream().sorted().toList()));
      }
    }
    candidates = Map.copyOf(candidates);
  }

  /** One declared column per field, as in {@code conf/sources.yaml}. */
  public static ColumnMapping declared(Map<String, String> columns) {
    Map<String, List<String>> candidates = new LinkedHashMap<>();
    columns.forEach((field, column) -> candidates.put(field, List.of(column)));
    return new ColumnMapping(candidates);
  }

  /** This mapping with the given fields taking exactly the given columns. */
  public ColumnMapping overriddenBy(Map<String, String> columns) {
    Map<String, List<String>> merged = new LinkedHashMap<>(candidates);
    declared(columns).candidates().forEach(merged::put);
    return new ColumnMapping(merged);
  }

  public List<String> candidatesFor(String field) {
    return candidates.getOrDefault(field, List.of());
  }

  /** A column name reduced to what matching compares: lower case letters and digits. */
  static String comparable(String column) {
    return column.toLowerCase().replaceAll("[^a-z0-9]", "");
  }
}
