package dev.qedspark.llm.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The batch file check: what cannot be sent as written is an error of its line, never guessed at. */
class BatchInputTest {
  private static String request(String id, String messages) {
    return "{\"custom_id\": \"" + id + "\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", \"body\": {\"messages\": " + messages + "}}";
  }

  @Test
  void twoRequestsOnOneLineAreAnError() {
    BatchInput.Line line = BatchInput.parse(3, request("a", "[{\"role\": \"user\", \"content\": \"x\"}]") + " "
        + request("b", "[{\"role\": \"user\", \"content\": \"y\"}]"));
    assertNull(line.request(), "the second request is not silently dropped");
    assertTrue(line.problem().startsWith("not JSON"), line.problem());
  }

  @Test
  void contentMustBeTextOrParts() {
    for (String content : new String[] {"42", "null", "true", "{\"text\": \"x\"}"}) {
      BatchInput.Line line = BatchInput.parse(1, request("a", "[{\"role\": \"user\", \"content\": " + content + "}]"));
      assertNull(line.request(), content);
      assertTrue(line.problem().contains("message 0 has content of type"), line.problem());
    }
    BatchInput.Line missing = BatchInput.parse(1, request("a", "[{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\"}]"));
    assertEquals("message 1 has no content; content must be text or a list of parts", missing.problem());
    BatchInput.Line parts = BatchInput.parse(1, request("a", "[{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"hi\"}]}]"));
    assertNotNull(parts.request(), parts.problem());
    BatchInput.Line toolCall = BatchInput.parse(1, request("a", "[{\"role\": \"user\", \"content\": \"q\"},"
        + " {\"role\": \"assistant\", \"content\": null, \"tool_calls\": []}, {\"role\": \"tool\", \"content\": \"42\"}]"));
    assertEquals("message 1 is a tool call or result; tool calls are not supported here", toolCall.problem(),
        "refused, not sent on without the calls");
  }
}
