package dev.qedspark.common;

/**
 * A failure the user can act on: the message says what is wrong and what to fix, and the command
 * line prints it without a stack trace. Each domain has its own subclass.
 */
public class QedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public QedException(String message) {
    super(message);
  }

  public QedException(String message, Throwable cause) {
    super(message, cause);
  }
}
