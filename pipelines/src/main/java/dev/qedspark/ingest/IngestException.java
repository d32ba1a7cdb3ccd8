package dev.qedspark.ingest;

import dev.qedspark.common.QedException;

/** Ingest cannot start as asked (a missing input, an unreadable catalog); the message says what to fix. */
public class IngestException extends QedException {
  private static final long serialVersionUID = 1L;

  public IngestException(String message) {
    super(message);
  }

  public IngestException(String message, Throwable cause) {
    super(message, cause);
  }
}
