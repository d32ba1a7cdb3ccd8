package dev.qedspark.train;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;
import java.util.List;

/**
 * How training shards are made ({@code ./qed shards}).
 *
 * @param tokenizer folder with {@code tokenizer.json} and {@code tokenizer_config.json} (or the
 *     {@code tokenizer.json} itself); its {@code chat_template} formats the conversations
 * @param seqLen tokens per packed sequence
 * @param overlong what to do with an example longer than {@code seqLen}: drop or truncate
 * @param count shards per output: the trainer's world size, or a multiple of it
 * @param mmapFiles also write one memory-mappable token file per shard
 */
public record ShardSettings(
    @JsonPropertyDescription("tokenizer folder (tokenizer.json + tokenizer_config.json with its chat_template)") String tokenizer,
    @JsonPropertyDescription("tokens per packed sequence") int seqLen,
    @JsonPropertyDescription("an example longer than seq-len: drop (counted) or truncate (counted)") String overlong,
    @JsonPropertyDescription("shards per output: the trainer's world size or a multiple of it") int count,
    @JsonPropertyDescription("also write a memory-mappable token file per shard (tokens-NNNNN.bin)") boolean mmapFiles)
    implements Serializable {

  public static final List<String> OVERLONG = List.of("drop", "truncate");
  public static final ShardSettings DEFAULTS = new ShardSettings("data/tokenizers/qwen3", 4096, "drop", 2, false);

  public ShardSettings {
    if (tokenizer == null || tokenizer.isBlank()) {
      throw new IllegalArgumentException("tokenizer must name a folder with tokenizer.json and tokenizer_config.json");
    }
    if (seqLen < 16) {
      throw new IllegalArgumentException("seq-len must be at least 16 tokens, not " + seqLen);
    }
    if (!OVERLONG.contains(overlong)) {
      throw new IllegalArgumentException("overlong must be one of " + OVERLONG + ", not " + overlong);
    }
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1 shard, not " + count);
    }
  }

  public ShardSettings withSeqLen(int n) {
    return new ShardSettings(tokenizer, n, overlong, count, mmapFiles);
  }

  public ShardSettings withCount(int n) {
    return new ShardSettings(tokenizer, seqLen, overlong, n, mmapFiles);
  }

  public ShardSettings withTokenizer(String path) {
    return new ShardSettings(path, seqLen, overlong, count, mmapFiles);
  }

  public ShardSettings withOverlong(String policy) {
    return new ShardSettings(tokenizer, seqLen, policy, count, mmapFiles);
  }

  public ShardSettings withMmapFiles(boolean on) {
    return new ShardSettings(tokenizer, seqLen, overlong, count, on);
  }
}
