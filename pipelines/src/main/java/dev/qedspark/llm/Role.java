package dev.qedspark.llm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who answers an LLM stage's requests, as one value: the role's name ({@code teacher},
 * {@code judge}, {@code policy}, {@code model}, ...), its settings ({@code llm.roles.NAME} over
 * {@code llm.*}), the endpoint it sends to and the response cache it reads and fills. A stage
 * takes roles, never their parts, so two judges of one stage each keep their own cache and
 * settings. {@code pipeline.Stages} makes them from the configuration ({@link Endpoints#role}).
 *
 * @param cacheDir the response cache folder, resolved (the role's {@code cache-dir})
 */
public record Role(String name, LlmSettings settings, OpenEndpoint endpoint, String cacheDir) {
  public Role {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(cacheDir, "cacheDir");
  }

  /**
   * What this role's answers depend on besides the request itself: who answers, how it samples
   * and what an answer costs. The one definition every stage's fingerprint records for a role
   * (a changed temperature or server makes the outputs stale; a changed time-out does not).
   */
  public Map<String, Object> answerIdentity() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("role", name);
    s.put("endpoint", endpoint.identity());
    s.put("model", endpoint.model());
    s.put("max-tokens", settings.maxTokens());
    s.put("temperature", settings.temperature());
    s.put("top-p", settings.topP());
    s.put("top-k", settings.topK());
    s.put("seed", settings.seed());
    s.put("stop", settings.stop());
    s.put("extra-body", settings.extraBody());
    s.put("price", settings.prices().get(endpoint.model()));
    return s;
  }

  /** The {@link #answerIdentity()} of each of {@code roles}, by name: for stages with several judges. */
  public static Map<String, Object> answerIdentities(List<Role> roles) {
    Map<String, Object> all = new LinkedHashMap<>();
    roles.forEach(r -> all.put(r.name(), r.answerIdentity()));
    return all;
  }
}
