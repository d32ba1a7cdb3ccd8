package dev.qedspark.jobs.cli;

/** The command line was wrong; the message says how, and the process exits with code 2. */
public class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
