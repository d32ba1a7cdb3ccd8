package dev.qedspark.llm.engine;

import dev.qedspark.common.QedException;

/** The embedded engine cannot load or run its model; the message says what to fix. */
public class EngineException extends QedException {
  private static final long serialVersionUID = 1L;

  public EngineException(String message) {
    super(message);
  }

  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
