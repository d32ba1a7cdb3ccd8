package dev.qedspark.sft;

import dev.qedspark.stage.StageResult;
import java.io.PrintStream;
import java.util.Map;

/**
 * What an SFT run wrote.
 *
 * @param proofs rows of {@code all}: teacher proofs with text
 * @param problems rows of {@code default}: one per problem
 * @param failedGenerations teacher requests that failed or were not sent, left out (no text)
 * @param gradeColumn the name of the grade column
 * @param byGrade rows of {@code all} per grade ("none": no readable grade)
 */
public record SftReport(long proofs, long problems, long failedGenerations, String gradeColumn, Map<String, Long> byGrade,
    String allPath, String defaultPath, double seconds) implements StageResult {
  @Override
  public void print(PrintStream out) {
    out.printf("sft: %,d proofs in all, %,d problems in default (best-graded proof each), %,d failed generations left out, in %.1f s%n",
        proofs, problems, failedGenerations, seconds);
    out.println("  proofs by " + gradeColumn + ": " + byGrade);
    out.println("  all:     " + allPath);
    out.println("  default: " + defaultPath);
  }
}

