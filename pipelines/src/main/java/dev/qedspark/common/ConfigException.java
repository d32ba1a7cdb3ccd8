package dev.qedspark.common;

/** A configuration problem the user can fix; the message says what and where. */
public class ConfigException extends QedException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
