package dev.qedspark.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * What a dry run puts in place of a request it does not send: a reply in the server's format
 * whose usage is the estimate of what the request would cost. Prompt tokens are estimated from
 * the messages' length at {@link #CHARS_PER_TOKEN} characters per token; completion tokens are
 * the request's {@code max_tokens} for each choice, the most it can be billed for. The reply is
 * never stored in the response cache.
 */
final class StandInAnswers {
  /** A rough rule for English prose; LaTeX-heavy text runs shorter per token, so the estimate is low for it. */
  static final int CHARS_PER_TOKEN = 4;
  /**
   * The default stand-in, for a proof: brief reasoning closed by {@code </think>}, then a text
   * naming the request, so that two stand-ins differ as two real answers would (a judge is asked
   * about each).
   */
  static String proof(PreparedRequest request) {
    return "<think>\nnot asked: dry run\n</think>\nnot asked: dry run of request " + request.cacheKey();
  }

  private StandInAnswers() {}

  /** The characters of a request body's messages: what prompt tokens are estimated from. */
  static long promptCharacters(JsonNode body) {
    long characters = 0;
    for (JsonNode message : body.path("messages")) {
      characters += message.path("content").asText("").length();
    }
    return characters;
  }

  /** @param content the stand-in's text; null for {@link #proof} */
  static Answer of(PreparedRequest request, String model, String content) throws IOException {
    JsonNode body = RequestBodies.JSON.readTree(request.body());
    long characters = promptCharacters(body);
    ObjectNode reply = RequestBodies.JSON.createObjectNode();
    reply.put("model", model);
    ArrayNode choices = reply.putArray("choices");
    for (int c = 0; c < request.choices(); c++) {
      ObjectNode choice = choices.addObject();
      choice.put("index", c);
      choice.putObject("message").put("role", "assistant").put("content", content != null ? content : proof(request));
      choice.put("finish_reason", "stop");
    }
    reply.putObject("usage")
        .put("prompt_tokens", (characters + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN)
        .put("completion_tokens", body.path("max_tokens").asLong(0) * request.choices());
    return Answer.of(request, reply.toString(), 0, 1, false);
  }
}
