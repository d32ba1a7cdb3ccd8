package dev.qedspark.chat;

import dev.qedspark.common.QedException;

/** A chat template that cannot be parsed or rendered; the message names the template line. */
public final class TemplateException extends QedException {
  private static final long serialVersionUID = 1L;

  public TemplateException(String message) {
    super(message);
  }
}
