package dev.qedspark.llm;

import dev.qedspark.common.QedException;

/** An LLM endpoint or engine cannot be used as configured; the message says what to fix. */
public class LlmException extends QedException {
  private static final long serialVersionUID = 1L;

  public LlmException(String message) {
    super(message);
  }

  public LlmException(String message, Throwable cause) {
    super(message, cause);
  }
}
