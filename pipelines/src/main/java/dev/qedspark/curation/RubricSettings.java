package dev.qedspark.curation;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;

/**
 * How marking schemes are written.
 *
 * @param role the role that writes them
 * @param attempts how many times a problem is asked for a scheme before it is marked invalid
 */
public record RubricSettings(
    @JsonPropertyDescription("role that writes marking schemes (llm.roles.NAME, else llm.*)") String role,
    @JsonPropertyDescription("tries per problem before its scheme is marked invalid (a scheme that breaks a rule is asked again)") int attempts)
    implements Serializable {

  public static final RubricSettings DEFAULTS = new RubricSettings("teacher", 3);

  public RubricSettings {
    if (role == null || role.isBlank()) {
      throw new IllegalArgumentException("role must name a role, e.g. teacher");
    }
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, not " + attempts);
    }
  }
}
