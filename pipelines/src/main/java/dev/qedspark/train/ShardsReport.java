package dev.qedspark.train;

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
    double seconds) {}
