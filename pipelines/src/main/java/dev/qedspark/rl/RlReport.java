package dev.qedspark.rl;

import dev.qedspark.grading.GradeReport;
import dev.qedspark.llm.GenerationReport;

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
    String allPath, String learnablePath, String tasksPath, double seconds) {}
