package dev.qedspark.curation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qedspark.llm.AnswerParser.Unreadable;
import java.io.IOException;

/** The JSON object a model was asked to answer with, found in its final answer (bare, fenced or with prose around it). */
final class JsonAnswer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonAnswer() {}

  static JsonNode object(String answer) throws Unreadable {
    if (answer == null || answer.isBlank()) {
      throw new Unreadable("the answer has no final part after its reasoning");
    }
    int start = answer.indexOf('{');
    int end = answer.lastIndexOf('}');
    if (start < 0 || end < start) {
      throw new Unreadable("the answer holds no JSON object");
    }
    try {
      JsonNode node = JSON.readTree(answer.substring(start, end + 1));
      if (!node.isObject()) {
        throw new Unreadable("the answer's JSON is not an object");
      }
      return node;
    } catch (IOException e) {
      throw new Unreadable("the answer's JSON cannot be read: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }
}
