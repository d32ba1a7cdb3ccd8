package dev.qedspark.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;

/**
 * What one answered request used and cost: the response's usage (shared by all its choices)
 * priced with {@code llm.prices} for the model that answered (else the model asked for).
 */
record Usage(String model, long promptTokens, long completionTokens, double cost) {
  static final Usage NONE = new Usage(null, 0, 0, 0);

  static Usage of(Answer answer, String requestedModel, Map<String, Price> prices) {
    if (answer.response() == null) {
      return NONE;
    }
    try {
      return of(RequestBodies.JSON.readTree(answer.response()), requestedModel, prices);
    } catch (IOException e) {
      return NONE;
    }
  }

  static Usage of(JsonNode response, String requestedModel, Map<String, Price> prices) {
    String answeredBy = response.path("model").asText(requestedModel);
    Price price = prices.get(answeredBy);
    if (price == null) {
      price = prices.get(requestedModel);
    }
    long prompt = response.path("usage").path("prompt_tokens").asLong(0);
    long completion = response.path("usage").path("completion_tokens").asLong(0);
    return new Usage(answeredBy, prompt, completion, price == null ? 0 : price.cost(prompt, completion));
  }
}
