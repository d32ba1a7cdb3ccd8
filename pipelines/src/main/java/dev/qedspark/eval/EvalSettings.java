package dev.qedspark.eval;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;

/**
 * How benchmark evaluation scores and summarizes.
 *
 * @param role the role of the model under test
 * @param judges the roles that grade proofs, and decide answers the symbolic check cannot
 * @param passScore the score (of 7) at which a proof passes, for pass@k
 * @param thinking whether the model under test thinks: a response without {@code </think>} is then truncated (score 0)
 * @param checkMillis time limit of one symbolic answer check
 * @param bootstrap resamples of the problems for confidence intervals
 * @param confidence the intervals' confidence level
 * @param seed seed of the bootstrap resampling
 * @param scaffold the sizes of the test-time scaffolds
 */
public record EvalSettings(
    @JsonPropertyDescription("role of the model under test (llm.roles.NAME, else llm.*)") String role,
    @JsonPropertyDescription("ask the judge (grading.judges) about answers the symbolic check cannot decide") boolean judgeUndecided,
    @JsonPropertyDescription("score out of 7 at which a proof passes (pass@k)") int passScore,
    @JsonPropertyDescription("the model thinks: a response without </think> is truncated and scores 0") boolean thinking,
    @JsonPropertyDescription("time limit in milliseconds of one symbolic answer check") long checkMillis,
    @JsonPropertyDescription("bootstrap resamples of the problems for confidence intervals") int bootstrap,
    @JsonPropertyDescription("confidence level of the intervals") double confidence,
    @JsonPropertyDescription("seed of the bootstrap") long seed,
    ScaffoldSettings scaffold) implements Serializable {

  public static final EvalSettings DEFAULTS = new EvalSettings("model", true, 7, false, 2_000, 1_000, 0.95, 1, ScaffoldSettings.DEFAULTS);

  public EvalSettings {
    if (role == null || role.isBlank()) {
      throw new IllegalArgumentException("role must name a role, e.g. model");
    }
    scaffold = scaffold == null ? ScaffoldSettings.DEFAULTS : scaffold;
    if (passScore < 1 || passScore > 7) {
      throw new IllegalArgumentException("pass-score must be 1 to 7, not " + passScore);
    }
    if (checkMillis < 1) {
      throw new IllegalArgumentException("check-millis must be at least 1, not " + checkMillis);
    }
    if (bootstrap < 0) {
      throw new IllegalArgumentException("bootstrap must be 0 (no intervals) or more, not " + bootstrap);
    }
    if (confidence <= 0 || confidence >= 1) {
      throw new IllegalArgumentException("confidence must lie between 0 and 1, not " + confidence);
    }
  }
}
