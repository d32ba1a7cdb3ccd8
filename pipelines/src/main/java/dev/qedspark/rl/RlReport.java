package dev.qedspark.rl;

import dev.qedspark.grading.GradeReport;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.LlmCalls;
import dev.qedspark.stage.StageResult;
import java.io.PrintStream;
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
    String allPath, String learnablePath, String tasksPath, double seconds) implements LlmCalls, StageResult {
  @Override
  public void print(PrintStream out) {
    out.printf("rl: %,d problems rolled out (%,d without a rubric left out), %,d learnable, in %.1f s%n", problems, withoutRubric, learnable,
        seconds);
    printCalls(out);
    out.println("  rollout grades by status: " + grading.gradesByStatus());
    out.println("  all:       " + allPath);
    out.println("  learnable: " + learnablePath);
    out.println("  tasks:     " + tasksPath);
  }

  @Override
  public Map<String, GenerationReport> llmCalls() {
    Map<String, GenerationReport> calls = new LinkedHashMap<>();
    calls.put("rollouts", rollouts);
    grading.llmCalls().forEach((name, report) -> calls.put("rollouts " + name, report));
    return calls;
  }
}
