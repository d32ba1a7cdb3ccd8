package dev.qedspark.rl;

import dev.qedspark.grading.GradeReport;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.LlmCalls;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an RL run did.
 *
 * @param problems problems with a rubric, rolled out
 * @param withoutRubric problems left out because they have no rubric (run ./qed rubrics first)
 * @param learnable problems whose mean reward lies in the band
 * @param rollouts the policy's LLM calls
 * @param grading the judges' grading of the rollouts
 */
public record RlReport(long problems, long withoutRubric, long learnable, GenerationReport rollouts, GradeReport grading,
    String allPath, String learnablePath, String tasksPath, double seconds) implements LlmCalls {
  @Override
  public Map<String, GenerationReport> llmCalls() {
    Map<String, GenerationReport> calls = new LinkedHashMap<>();
    calls.put("rollouts", rollouts);
    grading.llmCalls().forEach((name, report) -> calls.put("rollouts " + name, report));
    return calls;
  }
}
