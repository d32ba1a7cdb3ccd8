package dev.qedspark.rl;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;

/**
 * How FineProofs-RL is built.
 *
 * @param role the policy role whose rollouts measure difficulty
 * @param rollouts rollouts per problem
 * @param minMeanReward problems whose mean reward is at or below this are left out of
 *     {@code learnable} (the policy never succeeds)
 * @param maxMeanReward problems whose mean reward is at or above this are left out (it always does)
 */
public record RlSettings(
    @JsonPropertyDescription("policy role whose rollouts measure difficulty (llm.roles.NAME, else llm.*)") String role,
    @JsonPropertyDescription("rollouts per problem") int rollouts,
    @JsonPropertyDescription("learnable problems have a mean reward above this") double minMeanReward,
    @JsonPropertyDescription("learnable problems have a mean reward below this") double maxMeanReward) implements Serializable {

  public static final RlSettings DEFAULTS = new RlSettings("policy", 128, 0.0, 1.0);

  public RlSettings {
    if (role == null || role.isBlank()) {
      throw new IllegalArgumentException("role must name a role, e.g. policy");
    }
    if (rollouts < 1) {
      throw new IllegalArgumentException("rollouts must be at least 1, not " + rollouts);
    }
    if (minMeanReward < 0 || maxMeanReward > 1 || minMeanReward >= maxMeanReward) {
      throw new IllegalArgumentException("need 0 <= min-mean-reward < max-mean-reward <= 1, not " + minMeanReward + " and " + maxMeanReward);
    }
  }
}
