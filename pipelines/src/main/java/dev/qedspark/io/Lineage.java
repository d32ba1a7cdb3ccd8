package dev.qedspark.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qedspark.common.Hashes;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * How a dataset was made: the step that wrote it and every step upstream of it, found by
 * following the inputs each run recorded in its {@code _run.json} back to the runs that wrote
 * them. Each step keeps its code version, prompt hashes, the models it asked with their sampling
 * settings, and its {@code report.json} (counts such as duplicates and contaminated problems).
 * Written beside a published dataset as {@code lineage.json}, and read by its dataset card.
 *
 * @param codeVersion the version and commit that wrote the dataset
 * @param fingerprint sha256 over the writing run's fingerprint (settings, prompts, input digests)
 * @param steps the steps in the order they ran (their commit times), the writing step last
 * @param unreadable upstream run folders whose records could not be read, with why: the lineage
 *     stops there (tracing is best effort and never fails the step that writes the dataset)
 */
public record Lineage(String codeVersion, String fingerprint, List<Step> steps, List<String> unreadable) {
  public static final String FILE_NAME = "lineage.json";
  private static final List<String> SAMPLING = List.of("max-tokens", "temperature", "top-p", "top-k", "seed", "samples");

  /**
   * One step of the chain.
   *
   * @param step its name, e.g. {@code curate}
   * @param folder its output folder
   * @param prompts sha256 of each prompt template it sent, by name
   * @param models the models it asked, with their sampling settings
   * @param report its {@code report.json}, or null
   */
  public record Step(String step, String folder, String codeVersion, String createdAt, Map<String, String> prompts, List<Model> models,
      JsonNode report) {}

  /**
   * A model a step asked.
   *
   * @param role the role's name ({@code model}, {@code judge}, {@code policy}, ...)
   * @param sampling the sampling settings it was asked with ({@code max-tokens, temperature,
   *     top-p, top-k, seed}, and {@code samples} per item where set)
   */
  public record Model(String role, String model, Map<String, JsonNode> sampling) {}

  /** The steps named {@code name}, in the order they ran. */
  public List<Step> steps(String name) {
    return steps.stream().filter(s -> s.step().equals(name)).toList();
  }

  /**
   * Traces a step that is writing now: its own settings and prompts, then every committed run
   * upstream of its inputs. Inputs that no run wrote (source files) end the trace there.
   */
  public static Lineage trace(Configuration hadoop, String step, String folder, Fingerprint fingerprint, JsonNode settings,
      String codeVersion) {
    List<Step> upstream = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    Deque<String> inputs = new ArrayDeque<>(fingerprint.inputs().keySet());
    Set<String> seen = new HashSet<>();
    while (!inputs.isEmpty()) {
      Path runFolder = new Path(inputs.removeFirst()).getParent();
      if (runFolder == null || !seen.add(runFolder.toString())) {
        continue;
      }
      try {
        FileSystem fs = runFolder.getFileSystem(hadoop);
        Path runFile = new Path(runFolder, RunManifest.FILE_NAME);
        if (!fs.exists(runFile)) {
          continue; // source files, or rows no run of the project wrote
        }
        RunManifest run = readJson(fs, runFile, RunManifest.class);
        Path report = new Path(runFolder, "report.json");
        upstream.add(new Step(run.step(), runFolder.toString(), run.codeVersion(), run.createdAt(), run.fingerprint().prompts(),
            models(run.settings()), fs.exists(report) ? readJson(fs, report, JsonNode.class) : null));
        inputs.addAll(run.fingerprint().inputs().keySet());
      } catch (IOException | RuntimeException e) {
        unreadable.add(runFolder + ": " + e.getMessage());
      }
    }
    upstream.sort(java.util.Comparator.comparing(Step::createdAt, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
    upstream.add(new Step(step, folder, codeVersion, java.time.Instant.now().toString(), fingerprint.prompts(), models(settings), null));
    return new Lineage(codeVersion, "sha256:" + Hashes.ofSettings(fingerprint), upstream, unreadable);
  }

  /** Every object in {@code settings} that names a model and how it samples (a role's identity), in order. */
  static List<Model> models(JsonNode settings) {
    List<Model> found = new ArrayList<>();
    collect(settings, null, found);
    return found;
  }

  private static void collect(JsonNode node, String key, List<Model> found) {
    if (node == null) {
      return;
    }
    if (node.isObject() && node.path("model").isTextual() && node.has("temperature")) {
      Map<String, JsonNode> sampling = new LinkedHashMap<>();
      for (String name : SAMPLING) {
        if (node.has(name) && !node.get(name).isNull()) {
          sampling.put(name, node.get(name));
        }
      }
      found.add(new Model(node.path("role").asText(key), node.get("model").asText(), sampling));
      return;
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        collect(field.getValue(), field.getKey(), found);
      }
    } else if (node.isArray()) {
      node.forEach(child -> collect(child, key, found));
    }
  }

  private static <T> T readJson(FileSystem fs, Path file, Class<T> type) throws IOException {
    try (InputStream in = fs.open(file)) { // records written by a newer version may have more fields
      return Manifest.JSON.readerFor(type).without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(in);
    }
  }
}
