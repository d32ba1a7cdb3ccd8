package dev.qedspark.llm;

import java.io.Serializable;
import org.apache.spark.sql.Row;

/**
 * Builds the prompt for one input row of an {@link LlmMap}. It runs on the executors, so it must
 * be serializable and should hold only its template. An input it cannot make a prompt of throws
 * {@link IllegalArgumentException}: that row gets status {@code error} with the message, and is
 * not sent.
 */
@FunctionalInterface
public interface PromptBuilder extends Serializable {
  Prompt build(Row input);
}
