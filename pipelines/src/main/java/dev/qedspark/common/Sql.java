package dev.qedspark.common;

/** Spark SQL text made from Java values, so that a constant is written once and quoted one way. */
public final class Sql {
  private Sql() {}

  /** {@code value} as a Spark SQL string literal, quotes and backslashes escaped: {@code it's} is {@code 'it\'s'}. */
  public static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
