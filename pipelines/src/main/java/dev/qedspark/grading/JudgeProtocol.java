package dev.qedspark.grading;

import java.util.List;

/**
 * How a judge is asked to grade and how its answer is read.
 *
 * <ul>
 *   <li>{@code rubric}: a 7-point marking scheme (the problem's {@code rubric}); the answer ends
 *       with {@code <score>N</score>}, N an integer from 0 to 7. Several tags must agree.
 *   <li>{@code imo-proofbench}: the reference {@code solution} and the grading guidelines (the
 *       problem's {@code rubric}); the verdict is {@code <points>N out of 7</points>}, N one of 7,
 *       6, 1, 0, and the first tag counts, as in IMO-ProofBench.
 *   <li>{@code proofbench}: a marking scheme (the problem's {@code rubric}) with the full 0-7
 *       range, read like {@code rubric}.
 * </ul>
 */
public enum JudgeProtocol {
  RUBRIC("rubric", "grade-rubric", List.of("rubric")),
  IMO_PROOFBENCH("imo-proofbench", "grade-imo-proofbench", List.of("solution", "guidelines")),
  PROOFBENCH("proofbench", "grade-proofbench", List.of("rubric"));

  /** The most points a proof can earn under every protocol. */
  public static final int MAX_SCORE = 7;

  private final String id;
  private final String prompt;
  private final List<String> references;

  JudgeProtocol(String id, String prompt, List<String> references) {
    this.id = id;
    this.prompt = prompt;
    this.references = references;
  }

  /** The name used in configuration and output rows. */
  public String id() {
    return id;
  }

  /** The name of its prompt template. */
  public String prompt() {
    return prompt;
  }

  /** The reference texts the judge is shown besides problem and proof. */
  public List<String> references() {
    return references;
  }

  public static JudgeProtocol named(String id) {
    for (JudgeProtocol p : values()) {
      if (p.id.equals(id)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown judge protocol '" + id + "'; use rubric, imo-proofbench or proofbench");
  }
}
