package dev.qedspark.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestBodiesTest {
  private static final List<ChatMessage> MESSAGES = List.of(new ChatMessage("user", "Prove it."));

  @Test
  void settingsThenExtraBodyThenTheRequestsOwnFieldsEachWin() {
    LlmSettings settings = LlmSettings.DEFAULTS.with(Map.of("max-tokens", 100, "temperature", 0.5, "seed", 40,
        "extra-body", Map.of("max_tokens", 200, "chat_template_kwargs", Map.of("enable_thinking", true))));
    JsonNode plain = RequestBodies.body(settings, "m", MESSAGES, 2, null);
    assertEquals(200, plain.path("max_tokens").asInt(), "extra-body over the plain setting");
    assertEquals(0.5, plain.path("temperature").asDouble());
    assertEquals(42, plain.path("seed").asInt(), "sample 2 gets seed + 2");
    assertEquals(true, plain.path("chat_template_kwargs").path("enable_thinking").asBoolean());
    assertEquals("m", plain.path("model").asText());
    assertEquals("Prove it.", plain.path("messages").path(0).path("content").asText());

    JsonNode overridden = RequestBodies.body(settings, "m", MESSAGES, 2, "{\"max_tokens\": 300, \"seed\": 1}");
    assertEquals(300, overridden.path("max_tokens").asInt(), "the request's own field over extra-body");
    assertEquals(1, overridden.path("seed").asInt());
    assertThrows(IllegalArgumentException.class, () -> RequestBodies.body(settings, "m", MESSAGES, 0, "[1, 2]"));
    assertThrows(IllegalArgumentException.class, () -> RequestBodies.body(settings, "m", MESSAGES, 0, "{not json"));
  }

  @Test
  void theCacheKeyIgnoresKeyOrderButNotContentIdentityOrSample() throws Exception {
    JsonNode a = RequestBodies.JSON.readTree("{\"model\": \"m\", \"b\": {\"c\": 1, \"d\": [1, {\"x\": 1, \"y\": 2}]}, \"a\": 2}");
    JsonNode b = RequestBodies.JSON.readTree("{\"a\": 2, \"b\": {\"d\": [1, {\"y\": 2, \"x\": 1}], \"c\": 1}, \"model\": \"m\"}");
    JsonNode c = RequestBodies.JSON.readTree("{\"a\": 2, \"b\": {\"d\": [{\"y\": 2, \"x\": 1}, 1], \"c\": 1}, \"model\": \"m\"}");
    assertEquals(RequestBodies.cacheKey("http://h/v1", a, 0), RequestBodies.cacheKey("http://h/v1", b, 0));
    assertNotEquals(RequestBodies.cacheKey("http://h/v1", a, 0), RequestBodies.cacheKey("http://h/v1", c, 0), "array order matters");
    assertNotEquals(RequestBodies.cacheKey("http://h/v1", a, 0), RequestBodies.cacheKey("http://h/v1", a, 1));
    assertNotEquals(RequestBodies.cacheKey("http://h/v1", a, 0), RequestBodies.cacheKey("http://other/v1", a, 0));
  }
}
