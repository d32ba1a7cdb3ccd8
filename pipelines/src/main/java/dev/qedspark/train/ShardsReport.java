package dev.qedspark.train;

import dev.qedspark.stage.StageResult;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * What {@code ./qed shards} wrote ({@code report.json}).
 *
 * @param format packed, messages or rl
 * @param dataset the dataset of shards: {@code part-0000r.parquet} is rank r's (or r mod shards)
 * @param examples rows read
 * @param written examples in the shards (packed: truncated ones included)
 * @param truncated examples cut to seq-len (overlong: truncate)
 * @param rejected examples left out, by reason (too_long, no_assistant_turn, template_error, ...)
 * @param sequences packed sequences (packed only)
 * @param tokens tokens of the written examples, padding excluded (packed only)
 * @param trainedTokens tokens with loss mask 1 (packed only)
 * @param paddingFraction padding tokens / all tokens in the sequences (packed only)
 * @param shardTokens tokens (packed) or rows (other formats) per shard
 * @param tokenFiles the memory-mappable token files, one per shard (empty when not asked for)
 */
public record ShardsReport(
    String format, String dataset, int seqLen, long examples, long written, long truncated, Map<String, Long> rejected,
    long sequences, long tokens, long trainedTokens, double paddingFraction, List<Long> shardTokens, List<String> tokenFiles,
    double seconds) implements StageResult {
  @Override
  public void print(PrintStream out) {
    long rejectedCount = rejected.values().stream().mapToLong(Long::longValue).sum();
    if (format.equals("packed")) {
      out.printf("shards: %,d examples -> %,d packed into %,d sequences of %,d tokens (%,d truncated, %,d rejected%s), in %.1f s%n",
          examples, written, sequences, seqLen, truncated, rejectedCount, rejectedCount == 0 ? "" : " " + rejected, seconds);
      out.printf("  tokens %,d, trained (assistant) %,d, padding %.1f%%; tokens per shard %s%n", tokens, trainedTokens, 100 * paddingFraction,
          shardTokens);
    } else {
      out.printf("shards: %,d %s rows in %d shards %s, in %.1f s%n", written, format, shardTokens.size(), shardTokens, seconds);
    }
    out.println("  shards: " + dataset + "/part-NNNNN.parquet");
    if (!tokenFiles.isEmpty()) {
      out.println("  token files: " + tokenFiles.get(0) + (tokenFiles.size() > 1 ? " ... (" + tokenFiles.size() + ")" : ""));
    }
  }
}

