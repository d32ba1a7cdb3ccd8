package dev.qedspark.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class CompletionTest {
  private static JsonNode response(String message) throws Exception {
    return ScriptedServer.JSON.readTree("{\"choices\": [{\"message\": " + message + ", \"finish_reason\": \"stop\"}],"
        + " \"usage\": {\"prompt_tokens\": 12, \"completion_tokens\": 34}}");
  }

  @Test
  void reasoningInItsOwnFieldLeavesTheContentAsTheProof() throws Exception {
    Completion c = Completion.of(response("{\"content\": \"Proof. Done.\", \"reasoning_content\": \"try n=1\"}"), 0);
    assertEquals("try n=1", c.reasoning());
    assertEquals("Proof. Done.", c.proof());
    assertEquals(12, c.promptTokens());
    assertEquals(34, c.completionTokens());
    assertEquals("stop", c.finishReason());
  }

  @Test
  void thinkTagsInTheContentAreSplitOff() throws Exception {
    Completion c = Completion.of(response("{\"content\": \"<think>\\nsmall cases\\n</think>\\n\\nProof. QED\"}"), 0);
    assertEquals("small cases", c.reasoning());
    assertEquals("Proof. QED", c.proof());
    Completion noOpenTag = Completion.of(response("{\"content\": \"small cases</think>Proof.\"}"), 0);
    assertEquals("small cases", noOpenTag.reasoning());
    assertEquals("Proof.", noOpenTag.proof());
  }

  @Test
  void reasoningCutOffBeforeItEndsLeavesAnEmptyProof() throws Exception {
    Completion c = Completion.of(response("{\"content\": \"<think>still thinking\"}"), 0);
    assertEquals("still thinking", c.reasoning());
    assertEquals("", c.proof());
  }

  @Test
  void plainAnswersAreTheProof() throws Exception {
    Completion c = Completion.of(response("{\"content\": \"The answer is \\\\boxed{3}.\"}"), 0);
    assertNull(c.reasoning());
    assertEquals("The answer is \\boxed{3}.", c.proof());
  }
}
