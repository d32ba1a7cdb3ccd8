package dev.qedspark.common;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Every row status the pipeline writes, in one place, for Java and for Spark SQL alike: a
 * condition is written {@code "status = " + Status.OK.sql()} or
 * {@code Status.requestFailed("status")}, never with the word typed again.
 * Which columns hold which statuses is said where the column is made (the stages' docs).
 */
public enum Status {
  /** Answered, read and usable. */
  OK("ok"),
  /** Answered, but cut off by {@code max_tokens} (or with no final text after the reasoning). */
  TRUNCATED("truncated"),
  /** A request that failed after its retries (a generation row). */
  ERROR("error"),
  /** A request the budget kept back (a generation row). */
  NOT_SENT("not_sent"),
  /** A row whose request failed or was not sent, as a grade, tag, scheme or eval sample sees it. */
  API_ERROR("api_error"),
  /** A judge's answer with no verdict the protocol can read. */
  PARSE_ERROR("parse_error"),
  /** A proof the protocol cannot grade: its reference (rubric, solution) is missing. */
  NO_REFERENCE("no_reference"),
  /** A proof whose generation failed: nothing to grade. */
  NO_PROOF("no_proof"),
  /** A filter answer whose tags cannot be read. */
  UNREADABLE("unreadable"),
  /** A marking scheme that breaks the rules on every attempt. */
  INVALID("invalid"),
  /** An eval sample whose judgement failed or could not be read. */
  JUDGE_ERROR("judge_error"),
  /** An eval answer neither the symbolic check nor a judge decided. */
  UNDECIDED("undecided"),
  /** A training example left out of the shards (its reason says why). */
  REJECTED("rejected");

  private final String id;

  Status(String id) {
    this.id = id;
  }

  /** The word written in the data, e.g. {@code not_sent}. */
  public String id() {
    return id;
  }

  /** The word as a Spark SQL string literal, e.g. {@code 'not_sent'}. */
  public String sql() {
    return Sql.literal(id);
  }

  /** A Spark SQL condition: {@code column} holds one of {@code statuses}. */
  public static String in(String column, Status... statuses) {
    return column + " IN (" + Arrays.stream(statuses).map(Status::sql).collect(Collectors.joining(", ")) + ")";
  }

  /** A Spark SQL condition on a generation's {@code column}: its request failed or was not sent. */
  public static String requestFailed(String column) {
    return in(column, ERROR, NOT_SENT);
  }

  @Override
  public String toString() {
    return id;
  }
}
