package dev.qedspark.grading;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;
import java.util.List;

/**
 * How proofs are graded.
 *
 * @param protocol {@code rubric}, {@code imo-proofbench} or {@code proofbench}
 * @param judges the roles that judge each proof (each a {@code llm.roles.NAME} profile, falling
 *     back to {@code llm.*}); several make an ensemble
 * @param repeats judgements per judge and proof (each its own sample and seed)
 * @param aggregate how the readable scores of one proof combine: min, mean or median
 */
public record GradingSettings(
    @JsonPropertyDescription("judge protocol: rubric (marking scheme, <score>N</score>), imo-proofbench (reference solution"
        + " and guidelines, <points>N out of 7</points>), proofbench (marking scheme, 0-7)") String protocol,
    @JsonPropertyDescription("roles that judge each proof; several make an ensemble") List<String> judges,
    @JsonPropertyDescription("judgements per judge and proof") int repeats,
    @JsonPropertyDescription("how one proof's readable scores combine: min, mean or median (the spread is kept)") String aggregate)
    implements Serializable {

  public static final GradingSettings DEFAULTS = new GradingSettings("rubric", List.of("judge"), 1, "mean");

  public GradingSettings {
    JudgeProtocol.named(protocol);
    Aggregation.named(aggregate);
    judges = judges == null ? List.of() : List.copyOf(judges);
    if (judges.isEmpty()) {
      throw new IllegalArgumentException("judges must name at least one role, e.g. [judge]");
    }
    if (judges.stream().distinct().count() != judges.size()) {
      throw new IllegalArgumentException("judges lists a role twice: " + judges + "; use repeats for several judgements by one role");
    }
    if (repeats < 1) {
      throw new IllegalArgumentException("repeats must be at least 1, not " + repeats);
    }
  }
}
