package dev.qedspark.llm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One choice of a Chat Completions response, with the reasoning separated from the answer.
 *
 * <p>Reasoning comes from a separate {@code reasoning_content} (or {@code reasoning}) field when
 * the server parses it out (vLLM, SGLang with a reasoning parser), else from the text before
 * {@code </think>} in the content. The proof is what follows {@code </think>}; for a reply with
 * neither, the whole content. A thinking model cut off before {@code </think>} therefore has
 * reasoning but an empty proof.
 *
 * @param content the message content as returned
 * @param reasoning the reasoning text, null if there is none
 * @param proof the answer after the reasoning
 * @param finishReason {@code stop}, {@code length}, ... as returned
 * @param promptTokens usage.prompt_tokens, 0 when not reported
 * @param completionTokens usage.completion_tokens, 0 when not reported
 */
public record Completion(
    String content, String reasoning, String proof, String finishReason, long promptTokens, long completionTokens) {

  static final String THINK_OPEN = "<think>";
  static final String THINK_CLOSE = "</think>";

  /** Reads choice {@code index} of a response; usage is the response's, shared by its choices. */
  public static Completion of(JsonNode response, int index) {
    JsonNode choice = response.path("choices").path(index);
    JsonNode message = choice.path("message");
    String content = text(message.path("content"));
    String reasoning = text(message.path("reasoning_content"));
    if (reasoning == null) {
      reasoning = text(message.path("reasoning"));
    }
    String proof = content;
    if (reasoning == null && content != null) {
      String[] split = split(content);
      reasoning = split[0];
      proof = split[1];
    }
    JsonNode usage = response.path("usage");
    return new Completion(content, reasoning, proof == null ? "" : proof, text(choice.path("finish_reason")),
        usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0));
  }

  /**
   * A response text split into its reasoning (before {@code </think>}, null when there is
   * none) and its final text (after it; empty when a {@code <think>} never closes; the whole
   * text when there is no think block).
   */
  public static String[] split(String content) {
    int close = content.indexOf(THINK_CLOSE);
    if (close >= 0) {
      String before = content.substring(0, close).strip();
      return new String[] {before.startsWith(THINK_OPEN) ? before.substring(THINK_OPEN.length()).strip() : before,
          content.substring(close + THINK_CLOSE.length()).strip()};
    }
    if (content.stripLeading().startsWith(THINK_OPEN)) {
      return new String[] {content.stripLeading().substring(THINK_OPEN.length()).strip(), ""};
    }
    return new String[] {null, content};
  }

  private static String text(JsonNode node) {
    return node.isTextual() ? node.asText() : null;
  }
}
