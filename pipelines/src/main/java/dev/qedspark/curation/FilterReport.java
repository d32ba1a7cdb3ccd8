package dev.qedspark.curation;

import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.LlmCalls;
import java.util.Map;

/**
 * What a filter run did.
 *
 * @param kept problems kept
 * @param droppedByReason problems dropped per reason
 * @param tagsByStatus problems per tagging status: ok, unreadable, api_error
 * @param tagging the tagger's LLM calls
 */
public record FilterReport(long kept, Map<String, Long> droppedByReason, Map<String, Long> tagsByStatus, GenerationReport tagging,
    String problemsPath, String droppedPath, double seconds) implements LlmCalls {
  @Override
  public Map<String, GenerationReport> llmCalls() {
    return Map.of("tags", tagging);
  }
}
