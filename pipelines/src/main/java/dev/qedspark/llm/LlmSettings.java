package dev.qedspark.llm;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.qedspark.common.SettingsRecords;
import dev.qedspark.llm.engine.EngineSettings;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Where LLM requests go and how they are sent. With an empty {@code endpoint}, jobs start the
 * embedded engine ({@link EngineSettings}) and talk to it over the same HTTP API; with
 * {@code fleet.servers} above 0, they start a fleet of servers on the cluster ({@link FleetSettings}).
 */
public record LlmSettings(
    @JsonPropertyDescription("OpenAI-compatible API root, e.g. http://gpu-1:8000/v1; empty = embedded engine") String endpoint,
    @JsonPropertyDescription("model name sent with each request; empty = the endpoint's only model") String model,
    @JsonPropertyDescription("a label for the weights behind the endpoint (e.g. a checkpoint step); part of every cache key,"
        + " so a new label asks again what the old weights answered; empty = the endpoint URL is the identity") String modelRevision,
    @JsonPropertyDescription("environment variable that holds the API key (the key itself never goes in config)") String apiKeyEnv,
    @JsonPropertyDescription("extra HTTP headers for every request") Map<String, String> headers,
    @JsonPropertyDescription("seconds to wait for a connection") int connectTimeoutSeconds,
    @JsonPropertyDescription("seconds to wait for a whole response (long proofs take minutes)") int readTimeoutSeconds,
    @JsonPropertyDescription("default max_tokens of a request") int maxTokens,
    @JsonPropertyDescription("default sampling temperature") double temperature,
    @JsonPropertyDescription("default top_p") double topP,
    @JsonPropertyDescription("default top_k; -1 = not sent") int topK,
    @JsonPropertyDescription("base seed; sample i is sent seed + i; -1 = not sent") long seed,
    @JsonPropertyDescription("default stop strings") List<String> stop,
    @JsonPropertyDescription("extra body fields, e.g. chat_template_kwargs: {enable_thinking: true}") Map<String, Object> extraBody,
    @JsonPropertyDescription("requests in flight per Spark partition") int concurrency,
    @JsonPropertyDescription("most requests started per second per executor JVM; 0 = no limit") double rateLimitPerSecond,
    RetrySettings retry,
    @JsonPropertyDescription("response cache folder, shared by all jobs (relative to $QED_HOME)") String cacheDir,
    @JsonPropertyDescription("seconds between progress lines") int progressSeconds,
    @JsonPropertyDescription("dollars per million tokens by model: {name: {input-per-million: x, output-per-million: y}}")
        Map<String, Price> prices,
    BudgetSettings budget,
    EngineSettings engine,
    FleetSettings fleet,
    @JsonPropertyDescription("role profiles (teacher, judge, policy, model, ...): each sets any llm.* key, the rest falls back to llm.*;"
        + " e.g. roles: {judge: {endpoint: http://judge:8000/v1, temperature: 0}}") Map<String, LlmSettings> roles) implements Serializable {

  public static final LlmSettings DEFAULTS = new LlmSettings(
      "", "", "", "QED_API_KEY", Map.of(), 10, 1800, 2048, 1.0, 1.0, -1, -1, List.of(), Map.of(),
      8, 0, RetrySettings.DEFAULTS, "runs/llm-cache", 10, Map.of(), BudgetSettings.DEFAULTS, EngineSettings.DEFAULTS, FleetSettings.DEFAULTS, Map.of());

  public LlmSettings {
    endpoint = endpoint == null ? "" : endpoint.strip();
    model = model == null ? "" : model.strip();
    modelRevision = modelRevision == null ? "" : modelRevision.strip();
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    stop = stop == null ? List.of() : List.copyOf(stop);
    extraBody = extraBody == null ? Map.of() : Map.copyOf(extraBody);
    prices = prices == null ? Map.of() : Map.copyOf(prices);
    roles = roles == null ? Map.of() : Map.copyOf(roles);
    fleet = fleet == null ? FleetSettings.DEFAULTS : fleet;
    if (!endpoint.isEmpty() && !endpoint.matches("https?://.+")) {
      throw new IllegalArgumentException("endpoint must be an http(s) URL such as http://127.0.0.1:8000/v1, not " + endpoint);
    }
    if (connectTimeoutSeconds < 1 || readTimeoutSeconds < 1) throw new IllegalArgumentException("time-outs must be at least 1 second");
    if (maxTokens < 1) throw new IllegalArgumentException("max-tokens must be at least 1, not " + maxTokens);
    if (temperature < 0) throw new IllegalArgumentException("temperature must be 0 or more, not " + temperature);
    if (topP <= 0 || topP > 1) throw new IllegalArgumentException("top-p must be in (0, 1], not " + topP);
    if (concurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1, not " + concurrency);
    if (rateLimitPerSecond < 0) throw new IllegalArgumentException("rate-limit-per-second must be 0 (off) or more");
    if (progressSeconds < 1) throw new IllegalArgumentException("progress-seconds must be at least 1");
  }

  /**
   * The settings of a role: its profile under {@code llm.roles} (already filled from {@code llm.*}
   * when the configuration was loaded), else these settings.
   */
  public LlmSettings role(String name) {
    LlmSettings profile = roles.get(name);
    return profile != null ? profile : withRoles(Map.of());
  }

  /** These settings with some keys changed, e.g. {@code with(Map.of("temperature", 0.0, "retry.max-attempts", 2))}. */
  public LlmSettings with(Map<String, ?> changes) {
    return SettingsRecords.with(this, changes);
  }

  /** These settings with other role profiles. */
  public LlmSettings withRoles(Map<String, LlmSettings> profiles) {
    return new LlmSettings(endpoint, model, modelRevision, apiKeyEnv, headers, connectTimeoutSeconds, readTimeoutSeconds, maxTokens,
        temperature, topP, topK, seed, stop, extraBody, concurrency, rateLimitPerSecond, retry, cacheDir, progressSeconds,
        prices, budget, engine, fleet, profiles);
  }

  /** The API key from the configured environment variable, or null when it is unset. */
  public String apiKey() {
    String value = System.getenv(apiKeyEnv);
    return value == null || value.isBlank() ? null : value.strip();
  }
}
