package dev.qedspark.curation;

import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.LlmCalls;
import dev.qedspark.stage.StageResult;
import java.io.PrintStream;
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
    String problemsPath, String droppedPath, double seconds) implements LlmCalls, StageResult {
  @Override
  public void print(PrintStream out) {
    out.printf("filter: %,d problems kept, dropped %s, tags by status %s, in %.1f s%n", kept, droppedByReason, tagsByStatus, seconds);
    printCalls(out);
    out.println("  tags:     " + tagging.path());
    out.println("  problems: " + problemsPath);
    out.println("  dropped:  " + droppedPath);
  }

  @Override
  public Map<String, GenerationReport> llmCalls() {
    return Map.of("tags", tagging);
  }
}
