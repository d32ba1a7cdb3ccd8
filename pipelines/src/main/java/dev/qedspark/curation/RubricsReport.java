package dev.qedspark.curation;

import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.LlmCalls;
import dev.qedspark.stage.StageResult;
import java.io.PrintStream;
import java.util.Map;

/**
 * What a rubrics run did.
 *
 * @param byStatus schemes per status: ok, invalid (broke a rule on every attempt), api_error
 * @param byRubricSource problems per rubric source: given, generated, invalid, no_solution
 * @param attempts what each round of asking did
 */
public record RubricsReport(Map<String, Long> byStatus, Map<String, Long> byRubricSource, Map<String, GenerationReport> attempts,
    String rubricsPath, String problemsPath, double seconds) implements LlmCalls, StageResult {
  @Override
  public void print(PrintStream out) {
    out.printf("rubrics: schemes by status %s, problems by rubric source %s, in %.1f s%n", byStatus, byRubricSource, seconds);
    printCalls(out);
    out.println("  rubrics:  " + rubricsPath);
    out.println("  problems: " + problemsPath);
  }

  @Override
  public Map<String, GenerationReport> llmCalls() {
    return attempts;
  }
}
