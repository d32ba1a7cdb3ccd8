package dev.qedspark.io;

import dev.qedspark.common.QedException;

/** A dataset that cannot be written or read as asked; the message says which and why. */
public class DatasetException extends QedException {
  private static final long serialVersionUID = 1L;

  public DatasetException(String message) {
    super(message);
  }

  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
