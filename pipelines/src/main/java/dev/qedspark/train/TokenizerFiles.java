package dev.qedspark.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qedspark.common.ConfigException;
import dev.qedspark.common.Hashes;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A Hugging Face tokenizer as bytes: {@code tokenizer.json} and {@code tokenizer_config.json},
 * read once on the driver (from a local folder, HDFS or S3) and shipped to the executors, which
 * load it once each ({@link ChatTokenizer#of}).
 *
 * @param source where the files were read from
 * @param tokenizerJson the tokenizer itself
 * @param config {@code tokenizer_config.json}: chat template and special tokens
 */
public record TokenizerFiles(String source, byte[] tokenizerJson, byte[] config) implements Serializable {
  private static final long serialVersionUID = 1L;
  static final ObjectMapper JSON = new ObjectMapper();

  /** Reads the folder (or the {@code tokenizer.json} in it, with its sibling config). */
  public static TokenizerFiles read(String path, Configuration hadoop) {
    Path given = new Path(path);
    try {
      FileSystem fs = given.getFileSystem(hadoop);
      Path folder = fs.exists(given) && fs.getFileStatus(given).isFile() ? given.getParent() : given;
      Path tokenizer = new Path(folder, "tokenizer.json");
      Path config = new Path(folder, "tokenizer_config.json");
      for (Path needed : new Path[] {tokenizer, config}) {
        if (!fs.exists(needed)) {
          throw new ConfigException("no " + needed.getName() + " in " + folder + ": a tokenizer folder holds tokenizer.json and"
              + " tokenizer_config.json (Qwen3's: run data/tokenizers/fetch-qwen3)");
        }
      }
      return new TokenizerFiles(folder.toString(), readAll(fs, tokenizer), readAll(fs, config));
    } catch (IOException e) {
      throw new ConfigException("cannot read the tokenizer at " + path + ": " + e.getMessage(), e);
    }
  }

  private static byte[] readAll(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return in.readAllBytes();
    }
  }

  /** sha256 of both files: the tokenizer's identity in fingerprints and cache keys. */
  public String digest() {
    return Hashes.sha256(Hashes.sha256(tokenizerJson) + Hashes.sha256(config));
  }

  /** The parsed {@code tokenizer_config.json}. */
  JsonNode configJson() {
    try {
      return JSON.readTree(new String(config, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException("tokenizer_config.json in " + source + " is not valid JSON: " + e.getMessage(), e);
    }
  }
}
