package dev.qedspark.train;

import dev.qedspark.common.QedException;

/** A launch that failed: a rank exited non-zero or timed out; the message quotes every rank's last lines. */
public final class TrainException extends QedException {
  private static final long serialVersionUID = 1L;

  public TrainException(String message) {
    super(message);
  }
}
