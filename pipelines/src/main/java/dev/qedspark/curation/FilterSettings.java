package dev.qedspark.curation;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;
import java.util.List;

/**
 * Which problems the LLM filter keeps.
 *
 * @param role the role that tags problems
 * @param drop tags that drop a problem when true: incomplete, gaps, wrong, disagreement, computational
 * @param minDifficulty problems tagged easier than this are dropped
 * @param maxDifficulty problems tagged harder than this are dropped
 * @param keepUnreadable whether a problem whose tags could not be read is kept (it is marked either way)
 */
public record FilterSettings(
    @JsonPropertyDescription("role that tags problems (llm.roles.NAME, else llm.*)") String role,
    @JsonPropertyDescription("tags that drop a problem when true: incomplete, gaps, wrong, disagreement, computational") List<String> drop,
    @JsonPropertyDescription("drop problems tagged easier than this (1-10)") int minDifficulty,
    @JsonPropertyDescription("drop problems tagged harder than this (1-10)") int maxDifficulty,
    @JsonPropertyDescription("keep problems whose tags could not be read (they are marked either way)") boolean keepUnreadable)
    implements Serializable {

  public static final List<String> TAGS = List.of("incomplete", "gaps", "wrong", "disagreement", "computational");
  /** For proof datasets: statements that cannot be solved as given, wrong ones, and answer-only problems go. */
  public static final FilterSettings DEFAULTS =
      new FilterSettings("judge", List.of("incomplete", "wrong", "computational"), 1, 10, true);

  public FilterSettings {
    drop = drop == null ? List.of() : List.copyOf(drop);
    for (String tag : drop) {
      if (!TAGS.contains(tag)) {
        throw new IllegalArgumentException("drop lists '" + tag + "', which is not a tag; the tags are " + TAGS);
      }
    }
    if (minDifficulty < 1 || maxDifficulty > 10 || minDifficulty > maxDifficulty) {
      throw new IllegalArgumentException("need 1 <= min-difficulty <= max-difficulty <= 10, not " + minDifficulty + " and " + maxDifficulty);
    }
    if (role == null || role.isBlank()) {
      throw new IllegalArgumentException("role must name a role, e.g. judge");
    }
  }
}
