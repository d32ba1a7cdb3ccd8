package dev.qedspark.train;

/** Why a conversation cannot become a training example; the reason is a short code for counting. */
public final class ExampleRejected extends Exception {
  private static final long serialVersionUID = 1L;
  private final String reason;

  ExampleRejected(String reason, String detail) {
    super(detail);
    this.reason = reason;
  }

  /** {@code no_assistant_turn}, {@code template_error}, {@code template_mismatch}, {@code no_end_of_turn}. */
  public String reason() {
    return reason;
  }
}
