package dev.qedspark.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Makes {@link Generation} rows from responses, fresh or cached. */
final class Generations {
  private Generations() {}

  static Generation fromResponse(PartitionSender.PreparedRequest request, String model, JsonNode response,
      long latencyMs, int attempts, boolean cached, Map<String, Price> prices) {
    Completion c = Completion.of(response, 0);
    String answeredBy = response.path("model").asText(model);
    Price price = prices.get(answeredBy);
    if (price == null) {
      price = prices.get(model);
    }
    double cost = price == null ? 0 : price.cost(c.promptTokens(), c.completionTokens());
    String status = "length".equals(c.finishReason()) ? Generation.TRUNCATED : Generation.OK;
    return new Generation(request.requestId(), request.sampleIndex(), answeredBy, request.messages(), c.content(),
        c.reasoning(), c.proof(), c.finishReason(), c.promptTokens(), c.completionTokens(), latencyMs, cost, status,
        null, attempts, cached, request.cacheKey(), response.toString());
  }
}
