package dev.qedspark.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qedspark.common.ConfigException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.spark.api.java.JavaRDD;

/**
 * Stops a run before it sends anything when its longest request cannot fit the served model's
 * context: the prompt (estimated at {@link StandInAnswers#CHARS_PER_TOKEN} characters per token)
 * plus {@code max_tokens} above the {@code max_model_len} the server reports. Without the check,
 * a server such as vLLM refuses each such request, after the job has started and paid for the
 * others.
 */
final class ContextCheck {
  /** The request that needs the most context: estimated prompt tokens and its {@code max_tokens}. */
  record Need(long promptTokens, long maxTokens) implements Serializable {
    long total() {
      return promptTokens + maxTokens;
    }

    static Need of(PreparedRequest request) {
      try {
        JsonNode body = RequestBodies.JSON.readTree(request.body());
        return new Need(StandInAnswers.promptCharacters(body) / StandInAnswers.CHARS_PER_TOKEN, body.path("max_tokens").asLong(0));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static Need larger(Need a, Need b) {
      return a.total() >= b.total() ? a : b;
    }
  }

  private ContextCheck() {}

  /** Throws {@link ConfigException} when the largest of {@code requests} does not fit {@code context} tokens. */
  static void check(JavaRDD<PreparedRequest> requests, long context, Role role, String server, String step) {
    Need largest = requests.map(Need::of).fold(new Need(0, 0), Need::larger);
    if (largest.total() > context) {
      throw new ConfigException(step + ": a request of about " + largest.promptTokens() + " prompt tokens with max_tokens "
          + largest.maxTokens() + " does not fit the " + context + "-token context that " + server
          + " serves " + role.endpoint().model() + " with (max_model_len on /models); nothing was sent. Lower llm.roles."
          + role.name() + ".max-tokens (or llm.max-tokens) to at most " + Math.max(0, context - largest.promptTokens())
          + ", or serve the model with a longer context (vllm serve --max-model-len)");
    }
  }
}
