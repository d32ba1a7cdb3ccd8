package dev.qedspark.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a run's requests go.
 *
 * @param baseUrls the API roots, e.g. {@code http://127.0.0.1:8000/v1}: one server, or the servers
 *     of a fleet ({@link Fleet}), between which each request goes to the one with the fewest in
 *     flight
 * @param model the model name sent with each request
 * @param identity what the response cache keys on besides the request: {@code llm.model-revision}
 *     when set, else the URL for servers; the model file's name, size and sampled content for the
 *     embedded engine
 */
public record Endpoint(List<String> baseUrls, String model, String identity) implements Serializable {

  public Endpoint {
    baseUrls = List.copyOf(baseUrls);
    if (baseUrls.isEmpty()) {
      throw new IllegalArgumentException("an endpoint needs at least one server URL");
    }
  }

  /** One server. */
  public Endpoint(String baseUrl, String model, String identity) {
    this(List.of(baseUrl), model, identity);
  }

  /** The first server (the only one unless this is a fleet). */
  public String baseUrl() {
    return baseUrls.get(0);
  }

  /** The configured endpoint; an empty model is asked of the server's {@code /models}. */
  public static Endpoint of(LlmSettings settings) {
    String model = settings.model().isEmpty() ? onlyModel(settings) : settings.model();
    String identity = settings.modelRevision().isEmpty() ? settings.endpoint().replaceAll("/+$", "") : "revision:" + settings.modelRevision();
    return new Endpoint(settings.endpoint(), model, identity);
  }

  private static String onlyModel(LlmSettings settings) {
    URI uri = modelsUri(settings.endpoint());
    List<String> ids = new ArrayList<>();
    for (JsonNode m : models(settings.endpoint(), settings)) {
      ids.add(m.path("id").asText());
    }
    if (ids.size() != 1) {
      throw new LlmException(uri + " serves " + (ids.isEmpty() ? "no models" : "several models " + ids) + "; set llm.model (--model) to one of them");
    }
    return ids.get(0);
  }

  /**
   * The context length the server gives {@code model}, as vLLM reports it ({@code max_model_len}
   * on {@code /models}); empty when the server does not say or cannot be asked.
   */
  public java.util.OptionalLong maxModelLen(LlmSettings settings) {
    try {
      for (JsonNode m : models(baseUrl(), settings)) {
        if (m.path("id").asText().equals(model) && m.path("max_model_len").canConvertToLong()) {
          return java.util.OptionalLong.of(m.path("max_model_len").asLong());
        }
      }
    } catch (LlmException e) {
      // No listing, no check: the requests themselves will say what is wrong.
    }
    return java.util.OptionalLong.empty();
  }

  private static URI modelsUri(String baseUrl) {
    return URI.create(baseUrl.replaceAll("/+$", "") + "/models");
  }

  /** The {@code data} array of the server's {@code GET /models}; {@code settings} give the time-outs and the API key. */
  private static JsonNode models(String baseUrl, LlmSettings settings) {
    URI uri = modelsUri(baseUrl);
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(settings.connectTimeoutSeconds() + 20L)).GET();
      String key = settings.apiKey();
      if (key != null) {
        request.header("Authorization", "Bearer " + key);
      }
      HttpResponse<String> response = HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(settings.connectTimeoutSeconds())).build()
          .send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new LlmException("cannot list the models of " + uri + ": HTTP " + response.statusCode() + "; set llm.model");
      }
      return RequestBodies.JSON.readTree(response.body()).path("data");
    } catch (IOException e) {
      throw new LlmException("cannot reach " + uri + " to find its model (" + e.getMessage() + "); is the server up? Or set llm.model", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LlmException("interrupted while asking " + uri + " for its model", e);
    }
  }
}
