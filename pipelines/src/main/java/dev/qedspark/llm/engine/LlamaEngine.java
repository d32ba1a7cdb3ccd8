package dev.qedspark.llm.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.LogLevel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import de.kherud.llama.args.LogFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * llama.cpp in this JVM (through de.kherud:llama), answering Chat Completions bodies. The model's
 * own chat template turns messages into a prompt; {@code parallel} slots decode that many
 * requests at once, and calls from several threads share them.
 */
public final class LlamaEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LlamaEngine.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static volatile boolean loggerSet;

  private final LlamaModel model;
  private final String name;
  private final String identity;
  private final boolean tiny;

  private LlamaEngine(LlamaModel model, String name, String identity, boolean tiny) {
    this.model = model;
    this.name = name;
    this.identity = identity;
    this.tiny = tiny;
  }

  /**
   * Loads the configured GGUF file, or (when none is configured) writes the tiny random model
   * into {@code scratch} and loads that.
   */
  public static LlamaEngine load(EngineSettings settings, Path scratch) {
    try {
      ModelFile model = ModelFile.of(settings, scratch);
      Path file = model.path();
      boolean tiny = model.tiny();
      NativeLibrary.prepare(scratch);
      routeNativeLogs();
      ModelParameters parameters = new ModelParameters()
          .setModel(file.toString())
          .setParallel(settings.parallel())
          .setCtxSize(settings.context())
          .disableLog();
      if (settings.threads() > 0) {
        parameters.setThreads(settings.threads());
      }
      LOG.info("engine: loading {} ({} slots, {} context tokens)", file, settings.parallel(), settings.context());
      return new LlamaEngine(new LlamaModel(parameters), model.name(), model.identity(), tiny);
    } catch (RuntimeException e) {
      if (e instanceof EngineException) throw e;
      throw new EngineException("llama.cpp cannot load the model: " + e.getMessage(), e);
    }
  }

  /**
   * The model file the engine would load, known without loading it.
   *
   * @param name the model name it serves
   * @param identity what the response cache keys on: the name and the file size
   */
  public record ModelFile(Path path, String name, String identity, boolean tiny) {
    public static ModelFile of(EngineSettings settings, Path scratch) {
      try {
        boolean tiny = settings.modelFile().isEmpty();
        Path file = tiny ? TinyModel.write(scratch.resolve(TinyModel.NAME + ".gguf")) : Path.of(settings.modelFile());
        if (!Files.isRegularFile(file)) {
          throw new EngineException("model file not found: " + file + " (llm.engine.model-file)");
        }
        String name = tiny ? TinyModel.NAME : file.getFileName().toString().replaceFirst("(?i)\\.gguf$", "");
        return new ModelFile(file, name, "embedded:" + name + ":" + Files.size(file) + ":" + sampledSha256(file), tiny);
      } catch (IOException e) {
        throw new EngineException("cannot prepare the embedded model: " + e.getMessage(), e);
      }
    }
  }

  /**
   * sha256 of the file's first and last 16 MiB: enough to tell two checkpoints of one
   * architecture apart (their weights differ throughout) without reading gigabytes on every run.
   */
  private static String sampledSha256(Path file) throws IOException {
    long size = Files.size(file);
    int window = (int) Math.min(size, 16L << 20);
    java.security.MessageDigest sha = dev.qedspark.common.Hashes.sha256();
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
      for (long start : new long[] {0, Math.max(0, size - window)}) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(window);
        while (buffer.hasRemaining() && channel.read(buffer, start + buffer.position()) > 0) {
          // read the whole window
        }
        buffer.flip();
        sha.update(buffer);
      }
    }
    return java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 16);
  }

  public String modelName() {
    return name;
  }

  /** What the response cache keys on: the model's name and file size. */
  public String identity() {
    return identity;
  }

  /** Whether this is the tiny random test model, whose outputs mean nothing. */
  public boolean isTinyRandomModel() {
    return tiny;
  }

  /**
   * Answers one Chat Completions body with a Chat Completions response. Supports messages,
   * max_tokens (or max_completion_tokens), temperature, top_p, top_k, seed, stop and n.
   */
  public ObjectNode chat(JsonNode body) {
    String system = null;
    List<Pair<String, String>> turns = new ArrayList<>();
    for (JsonNode m : body.path("messages")) {
      String role = m.path("role").asText("user");
      String content = m.path("content").isTextual() ? m.path("content").asText() : m.path("content").toString();
      if (role.equals("system") && system == null && turns.isEmpty()) {
        system = content;
      } else {
        turns.add(new Pair<>(role, content));
      }
    }
    if (turns.isEmpty()) {
      throw new IllegalArgumentException("messages must hold at least one user message");
    }
    String prompt = model.applyTemplate(new InferenceParameters("").setMessages(system, turns));
    int maxTokens = body.has("max_completion_tokens") ? body.path("max_completion_tokens").asInt() : body.path("max_tokens").asInt(2048);
    int n = Math.max(1, body.path("n").asInt(1));
    int promptTokens = model.encode(prompt).length;
    long completionTokens = 0;
    ObjectNode response = JSON.createObjectNode();
    response.put("id", "chatcmpl-" + UUID.randomUUID());
    response.put("object", "chat.completion");
    response.put("created", System.currentTimeMillis() / 1000);
    response.put("model", name);
    ArrayNode choices = response.putArray("choices");
    for (int i = 0; i < n; i++) {
      InferenceParameters parameters = new InferenceParameters(prompt)
          .setNPredict(maxTokens)
          .setTemperature((float) body.path("temperature").asDouble(1.0))
          .setTopP((float) body.path("top_p").asDouble(1.0))
          .setCachePrompt(true);
      if (body.has("top_k") && body.path("top_k").asInt() > 0) {
        parameters.setTopK(body.path("top_k").asInt());
      }
      if (body.has("seed")) {
        parameters.setSeed((int) (body.path("seed").asLong() + i));
      }
      List<String> stop = new ArrayList<>();
      body.path("stop").forEach(s -> stop.add(s.asText()));
      if (body.path("stop").isTextual()) {
        stop.add(body.path("stop").asText());
      }
      if (!stop.isEmpty()) {
        parameters.setStopStrings(stop.toArray(String[]::new));
      }
      StringBuilder text = new StringBuilder();
      int outputs = 0;
      for (LlamaOutput output : model.generate(parameters)) {
        text.append(output.text);
        outputs++;
      }
      // The binding reports neither the token count nor why decoding stopped. Each streamed
      // output is at least one token (bytes of one character are merged), and re-tokenizing the
      // text can count more than were generated, so take the larger, capped at max_tokens.
      int retokenized = text.length() == 0 ? 0 : model.encode(text.toString()).length;
      int tokens = Math.min(maxTokens, Math.max(outputs, retokenized));
      completionTokens += tokens;
      ObjectNode choice = choices.addObject();
      choice.put("index", i);
      choice.putObject("message").put("role", "assistant").put("content", text.toString());
      choice.put("finish_reason", tokens >= maxTokens ? "length" : "stop");
    }
    ObjectNode usage = response.putObject("usage");
    usage.put("prompt_tokens", promptTokens);
    usage.put("completion_tokens", completionTokens);
    usage.put("total_tokens", promptTokens + completionTokens);
    return response;
  }

  @Override
  public void close() {
    model.close();
  }

  /** llama.cpp logs every slot event; keep its warnings and errors, in our log. */
  private static synchronized void routeNativeLogs() {
    if (!loggerSet) {
      LlamaModel.setLogger(LogFormat.TEXT, (level, message) -> {
        if (level == LogLevel.ERROR) {
          LOG.error("llama.cpp: {}", message.strip());
        } else if (level == LogLevel.WARN) {
          LOG.warn("llama.cpp: {}", message.strip());
        }
      });
      loggerSet = true;
    }
  }
}
