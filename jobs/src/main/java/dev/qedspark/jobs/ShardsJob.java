package dev.qedspark.jobs;

import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.stage.Stage;
import dev.qedspark.train.ShardSettings;
import java.io.PrintStream;
import java.util.List;

/** {@code ./qed shards}: training shards for the GPU trainer. */
final class ShardsJob extends StageCommand {

  @Override
  public String name() {
    return "shards";
  }

  @Override
  public String summary() {
    return "Write training shards: chat-templated, tokenized, packed (or messages / RL tasks), one per trainer rank";
  }

  @Override
  public String description() {
    return """
        --format packed (the default) renders each conversation (the messages column of an SFT
        dataset) with the tokenizer's own chat template, tokenizes it (Hugging Face tokenizers
        through DJL; Qwen3's by default), masks the loss to the assistant turns (their end-of-turn
        token included), and packs examples first-fit decreasing into sequences of --seq-len
        tokens. position_ids restart at each example and segment_ids / cu_seqlens mark the
        boundaries, so attention never crosses examples. Shards are balanced by tokens.
        An example longer than --seq-len is dropped or truncated (--overlong), and counted.
        Examples that cannot be used (no assistant turn, a template error) go to OUT/rejected
        with their reason.

        --format messages writes the conversations as they are (example_id, messages: TRL's SFT
        layout); --format rl writes RL tasks (task, answer, schema) from ./qed rl's output.

        Shard r is OUT/<format>/part-0000r.parquet; OUT/report.json has the totals (examples,
        tokens, trained tokens, padding fraction, dropped and truncated). --mmap-files also
        writes OUT/tokens-0000r.bin, a flat little-endian file (uint32 ids and uint8 mask per
        sequence, then an example index) for trainers that mmap their data; docker/trainer/
        qed_shards.py reads it with the standard library.

        Example:
          ./qed shards --input runs/datasets/sft --seq-len 4096 --shards 8 --out runs/shards""";
  }

  @Override
  protected List<OptionSpec> stageOptions() {
    return List.of(
        OptionSpec.required("input", "DIR", "an SFT dataset or ./qed sft's folder (packed, messages); ./qed rl's folder (rl)"),
        OptionSpec.required("out", "DIR", "output folder"),
        OptionSpec.value("format", "F", "packed (default), messages or rl"),
        OptionSpec.value("tokenizer", "DIR", "tokenizer folder (tokenizer.json, tokenizer_config.json); default shards.tokenizer"),
        OptionSpec.value("seq-len", "N", "tokens per packed sequence (default shards.seq-len, 4096)"),
        OptionSpec.value("shards", "K", "number of shards: the trainer's world size or a multiple (default shards.count)"),
        OptionSpec.value("overlong", "P", "drop (default) or truncate examples longer than --seq-len"),
        OptionSpec.flag("mmap-files", "also write memory-mappable token files (tokens-NNNNN.bin)"));
  }

  @Override
  protected List<String> inputOptions() {
    return List.of("input");
  }

  @Override
  protected void checkOptions(Arguments args) {
    Arguments.positive(args, "seq-len", 1);
    Arguments.positive(args, "shards", 1);
  }

  @Override
  protected Stage<?, ?> stage(Stages stages, Arguments args, PrintStream out) {
    ShardSettings defaults = stages.shardSettings();
    ShardSettings settings = defaults.withTokenizer(args.value("tokenizer", defaults.tokenizer()))
        .withSeqLen(Arguments.positive(args, "seq-len", defaults.seqLen()))
        .withCount(Arguments.positive(args, "shards", defaults.count()))
        .withOverlong(args.value("overlong", defaults.overlong()))
        .withMmapFiles(args.has("mmap-files") || defaults.mmapFiles());
    return stages.shards(args.value("input"), args.value("format", "packed"), settings);
  }
}
