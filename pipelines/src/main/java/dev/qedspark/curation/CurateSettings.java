package dev.qedspark.curation;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.qedspark.decontam.DecontamSettings;
import dev.qedspark.dedup.DedupSettings;
import java.io.Serializable;
import java.util.List;

/**
 * Options of {@code qed curate}.
 *
 * @param sourcePriority sources in order of preference when a duplicate group keeps one row
 *     (after rows with a solution or rubric); sources not listed come after them, and the
 *     smallest problem id decides between rows of equal rank
 */
public record CurateSettings(
    DedupSettings dedup,
    DecontamSettings decontam,
    @JsonPropertyDescription("sources in order of preference for the copy a duplicate group keeps (after rows with a solution or rubric; unlisted sources come last)") List<String> sourcePriority)
    implements Serializable {

  public static final CurateSettings DEFAULTS = new CurateSettings(DedupSettings.DEFAULTS, DecontamSettings.DEFAULTS, List.of());

  public CurateSettings {
    sourcePriority = sourcePriority == null ? List.of() : List.copyOf(sourcePriority);
  }
}
