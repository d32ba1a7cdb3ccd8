package dev.qedspark.llm;

import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Reads what an {@link LlmMap} stage needs out of one answer: a score, tags, a rubric. The parsed
 * values become columns of the output ({@link #schema()}), beside the input columns and the
 * generation columns.
 *
 * <p>An answer the parser cannot read throws {@link Unreadable}: the row keeps its answer, its
 * parsed columns are null and {@code parse_error} says why. Any other exception is a bug in the
 * parser and fails the task; no answer is lost, since every answer is in the response cache
 * before it is parsed, and a fixed parser reads them again without sending anything.
 */
public interface AnswerParser extends Serializable {
  /** The parsed columns. */
  StructType schema();

  /**
   * @param answer the model's answer (only called for answered rows, ok or truncated)
   * @param input the input row the prompt was built from
   * @return one value per field of {@link #schema()}, in order ({@code java.util.List} for array
   *     columns, {@code Row} for structs)
   */
  Object[] parse(Completion answer, Row input) throws Unreadable;

  /** The answer does not hold what the parser looks for; the message says what is wrong. */
  final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    public Unreadable(String message) {
      super(message);
    }
  }
}
