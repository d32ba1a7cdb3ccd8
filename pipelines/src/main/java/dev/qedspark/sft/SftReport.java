package dev.qedspark.sft;

import dev.qedspark.stage.StageResult;
import java.io.PrintStream;
import java.util.Map;

/**
 * What an SFT run wrote.
 *
 * @param proofs rows of {@code all}: teacher proofs with text
 * @param problems rows of {@code default}: problems with a proof to train on, one proof each
 * @param failedGenerations teacher requests that failed or were not sent, left out (no text)
 * @param trainable proofs of {@code all} that qualify for {@code default} (finished, graded at
 *     least {@code minGrade}), before one per problem is kept
 * @param minGrade {@code sft.min-grade}
 * @param gradeColumn the name of the grade column
 * @param byGrade rows of {@code all} per grade ("none": no readable grade)
 */
public record SftReport(long proofs, long problems, long failedGenerations, long trainable, int minGrade, String gradeColumn,
    Map<String, Long> byGrade, String allPath, String defaultPath, double seconds) implements StageResult {
  @Override
  public void print(PrintStream out) {
    out.printf("sft: %,d proofs in all, %,d problems in default, %,d failed generations left out, in %.1f s%n",
        proofs, problems, failedGenerations, seconds);
    out.printf("  default: the best of %,d finished proofs graded at least %d/7 per problem (sft.min-grade)%n", trainable, minGrade);
    out.println("  proofs by " + gradeColumn + ": " + byGrade);
    if (problems == 0 && proofs > 0) {
      out.println("  warning: no proof qualifies for default; see the grades in all (grade_status, " + gradeColumn + ")");
    }
    out.println("  all:     " + allPath);
    out.println("  default: " + defaultPath);
  }
}
