package dev.qedspark.eval;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;

/**
 * The sizes of the test-time scaffolds ({@link Scaffold}).
 *
 * @param candidates self-verify: candidate solutions per problem and run
 * @param verifications self-verify: self-verifications of each candidate
 * @param refinements self-verify: rounds of refinement from the weakest critiques
 * @param rounds reasoning-cache: rounds of reasoning (each after the first starts from a summary)
 * @param population rsa: solutions in the population
 * @param aggregations rsa: rounds of aggregation
 * @param group rsa: solutions merged into each new one
 */
public record ScaffoldSettings(
    @JsonPropertyDescription("self-verify: candidate solutions") int candidates,
    @JsonPropertyDescription("self-verify: verifications of each candidate") int verifications,
    @JsonPropertyDescription("self-verify: refinement rounds") int refinements,
    @JsonPropertyDescription("reasoning-cache: rounds of reasoning") int rounds,
    @JsonPropertyDescription("rsa: solutions in the population") int population,
    @JsonPropertyDescription("rsa: rounds of aggregation") int aggregations,
    @JsonPropertyDescription("rsa: solutions merged into each new one") int group) implements Serializable {

  public static final ScaffoldSettings DEFAULTS = new ScaffoldSettings(4, 4, 2, 3, 8, 3, 3);

  public ScaffoldSettings {
    if (candidates < 1 || verifications < 1 || refinements < 0 || rounds < 1 || population < 1 || aggregations < 0 || group < 1) {
      throw new IllegalArgumentException("scaffold sizes must be at least 1 (refinements and aggregations at least 0)");
    }
    if (group > population) {
      throw new IllegalArgumentException("rsa cannot merge " + group + " solutions out of a population of " + population);
    }
  }
}
