package dev.qedspark.sft;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;

/**
 * How FineProofs-SFT is built.
 *
 * @param minGrade the {@code default} config holds finished proofs graded at least this (0-7). 7,
 *     because SFT imitates every token: a proof the judge marked down holds an error or a gap
 *     that the student would learn to write. Set 6 to admit proofs with a minor slip.
 * @param gradeColumn the name of the grade column; FineProofs-SFT's by default, so the output
 *     concatenates with the published set (the judge actually used is in the dataset card and the
 *     {@code judge_model} column)
 * @param rewardColumn the name of the policy-reward column (when RL rollouts are given);
 *     FineProofs-SFT's by default (the policy and the rollouts per problem actually used are in
 *     the dataset card)
 */
public record SftSettings(
    @JsonPropertyDescription("the default config holds finished proofs graded at least this (0-7)") int minGrade,
    @JsonPropertyDescription("name of the grade column (FineProofs-SFT's by default)") String gradeColumn,
    @JsonPropertyDescription("name of the policy-reward column (FineProofs-SFT's by default)") String rewardColumn) implements Serializable {

  /** The SFT dataset's columns other than the grade and the reward. */
  static final java.util.List<String> OTHER_COLUMNS = java.util.List.of("problem", "reasoning_content", "proof", "category", "competition",
      "source", "messages", "prompt", "completion", "problem_id", "sample_index", "teacher_model", "judge_model", "finish_reason",
      "generation_status", "grade_status", "score");

  public static final SftSettings DEFAULTS = new SftSettings(7, "gemini-3-pro-grade", "qwen3-4b-thinking-reward@128");

  public SftSettings {
    if (minGrade < 0 || minGrade > 7) {
      throw new IllegalArgumentException("min-grade is a grade from 0 to 7, not " + minGrade);
    }
    for (String column : new String[] {gradeColumn, rewardColumn}) {
      if (column == null || column.isBlank() || column.contains("`")) {
        throw new IllegalArgumentException("grade-column and reward-column must name a column (no backticks), not '" + column + "'");
      }
      if (OTHER_COLUMNS.contains(column)) {
        throw new IllegalArgumentException("'" + column + "' is another column of the SFT dataset; choose another name");
      }
    }
    if (gradeColumn.equals(rewardColumn)) {
      throw new IllegalArgumentException("grade-column and reward-column must differ, both are " + gradeColumn);
    }
  }
}
