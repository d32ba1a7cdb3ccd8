package dev.qedspark.llm;

import java.io.Serializable;
import java.util.List;

/**
 * What to ask a model for one input row.
 *
 * @param messages the chat messages
 * @param body extra Chat Completions fields for this request as a JSON object ({@code max_tokens},
 *     {@code n}, ...), over the role's settings; null for none
 */
public record Prompt(List<ChatMessage> messages, String body) implements Serializable {
  public Prompt {
    if (messages == null || messages.isEmpty()) {
      throw new IllegalArgumentException("a prompt needs at least one message");
    }
    messages = List.copyOf(messages);
  }

  /** One user message. */
  public static Prompt user(String content) {
    return new Prompt(List.of(new ChatMessage("user", content)), null);
  }
}
