package dev.qedspark.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Builds Chat Completions bodies from settings and requests, and their content addresses. */
public final class RequestBodies {
  static final ObjectMapper JSON = new ObjectMapper();

  private RequestBodies() {}

  /**
   * The body for one sample: model and messages, the configured defaults, then the request's own
   * fields on top. A configured seed becomes {@code seed + sampleIndex} so that samples differ
   * and each can be reproduced.
   */
  public static ObjectNode body(LlmSettings settings, String model, List<ChatMessage> messages, int sampleIndex, String overrides) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    ArrayNode array = body.putArray("messages");
    for (ChatMessage m : messages) {
      array.addObject().put("role", m.role()).put("content", m.content());
    }
    body.put("max_tokens", settings.maxTokens());
    body.put("temperature", settings.temperature());
    body.put("top_p", settings.topP());
    if (settings.topK() >= 0) {
      body.put("top_k", settings.topK());
    }
    if (settings.seed() >= 0) {
      body.put("seed", settings.seed() + sampleIndex);
    }
    if (!settings.stop().isEmpty()) {
      settings.stop().forEach(body.putArray("stop")::add);
    }
    body.setAll((ObjectNode) JSON.valueToTree(settings.extraBody()));
    if (overrides != null && !overrides.isBlank()) {
      try {
        JsonNode extra = JSON.readTree(overrides);
        if (!(extra instanceof ObjectNode object)) {
          throw new IllegalArgumentException("request body must be a JSON object, not " + overrides);
        }
        body.setAll(object);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("request body is not JSON: " + e.getOriginalMessage(), e);
      }
    }
    return body;
  }

  /**
   * The content address of a request: sha256 over the endpoint's identity, the body with its keys
   * sorted (so field order does not matter) and the sample index.
   */
  public static String cacheKey(String endpointIdentity, JsonNode body, int sampleIndex) {
    try {
      String canonical = JSON.writeValueAsString(sorted(body));
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(endpointIdentity.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(canonical.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(Integer.toString(sampleIndex).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode sorted(JsonNode node) {
    if (node instanceof ObjectNode object) {
      ObjectNode out = JSON.createObjectNode();
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      names.forEach(n -> out.set(n, sorted(object.get(n))));
      return out;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode out = JSON.createArrayNode();
      array.forEach(e -> out.add(sorted(e)));
      return out;
    }
    return node;
  }
}
