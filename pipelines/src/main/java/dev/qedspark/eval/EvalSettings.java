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
 * @param answerExtraction where a final answer may come from: {@code boxed} or {@code boxed-then-last-math} ({@link FinalAnswer.Extraction})
 * @param numericTolerance how far apart two numbers may be, relative to the larger, and still be equal; 0: exactly
 * @param metrics {@code project}, or {@code qed-nano} to add QED-Nano's statistics beside the project's
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
    @JsonPropertyDescription("where a final answer may come from: boxed (a box, else an answer line) or boxed-then-last-math"
        + " (then the last $...$ or \\[...\\])") String answerExtraction,
    @JsonPropertyDescription("relative tolerance of numeric answers, e.g. 1e-6; 0: exact") double numericTolerance,
    @JsonPropertyDescription("project, or qed-nano to add QED-Nano's statistics (unscored samples as 0, sample std, points of 7)") String metrics,
    @JsonPropertyDescription("bootstrap resamples of the problems for confidence intervals") int bootstrap,
    @JsonPropertyDescription("confidence level of the intervals") double confidence,
    @JsonPropertyDescription("seed of the bootstrap") long seed,
    ScaffoldSettings scaffold) implements Serializable {

  /** The metric sets {@code eval.metrics} may name (declared before {@link #DEFAULTS}, which checks against it). */
  public static final java.util.List<String> METRICS = java.util.List.of("project", "qed-nano");

  public static final EvalSettings DEFAULTS = new EvalSettings("model", true, 7, false, 2_000, "boxed", 0, "project", 1_000, 0.95, 1,
      ScaffoldSettings.DEFAULTS);


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
    answerExtraction = answerExtraction == null || answerExtraction.isBlank() ? "boxed" : answerExtraction.strip();
    FinalAnswer.Extraction.of(answerExtraction);
    new AnswerCheck.Options(checkMillis, numericTolerance);
    metrics = metrics == null || metrics.isBlank() ? "project" : metrics.strip();
    if (!METRICS.contains(metrics)) {
      throw new IllegalArgumentException("metrics must be one of " + METRICS + ", not " + metrics);
    }
    if (bootstrap < 0) {
      throw new IllegalArgumentException("bootstrap must be 0 (no intervals) or more, not " + bootstrap);
    }
    if (confidence <= 0 || confidence >= 1) {
      throw new IllegalArgumentException("confidence must lie between 0 and 1, not " + confidence);
    }
  }

  /** The answer checks' time limit and tolerance. */
  public AnswerCheck.Options checkOptions() {
    return new AnswerCheck.Options(checkMillis, numericTolerance);
  }

  public FinalAnswer.Extraction extraction() {
    return FinalAnswer.Extraction.of(answerExtraction);
  }
}
