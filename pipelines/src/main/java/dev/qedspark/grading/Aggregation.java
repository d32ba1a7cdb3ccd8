package dev.qedspark.grading;

/**
 * How the scores of several judges, or of repeated judgements, of one proof become one score.
 * Only readable scores count; the spread (highest minus lowest) is kept beside the result.
 */
public enum Aggregation {
  MIN("min"),
  MEAN("mean"),
  MEDIAN("median");

  private final String id;

  Aggregation(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Aggregation named(String id) {
    for (Aggregation a : values()) {
      if (a.id.equals(id)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown aggregation '" + id + "'; use min, mean or median");
  }

  /**
   * The SQL expression over an array column of readable scores ({@code array<int>}); null when
   * it is empty. The median of an even count is the mean of the two middle scores.
   */
  String sql(String scores) {
    String sorted = "array_sort(" + scores + ")";
    String n = "size(" + scores + ")";
    return switch (this) {
      case MIN -> "CASE WHEN " + n + " = 0 THEN NULL ELSE CAST(array_min(" + scores + ") AS DOUBLE) END";
      case MEAN -> "CASE WHEN " + n + " = 0 THEN NULL ELSE aggregate(" + scores + ", 0D, (acc, x) -> acc + x) / " + n + " END";
      case MEDIAN -> "CASE WHEN " + n + " = 0 THEN NULL ELSE (element_at(" + sorted + ", CAST(floor((" + n + " + 1) / 2) AS INT))"
          + " + element_at(" + sorted + ", CAST(floor(" + n + " / 2) + 1 AS INT))) / 2D END";
    };
  }
}
