package dev.qedspark.jobs;

import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.pipeline.Stages;
import dev.qedspark.stage.Stage;
import java.io.PrintStream;
import java.util.List;

/** {@code ./qed train}: a distributed trainer launched as a Spark barrier stage. */
final class TrainJob extends StageCommand {

  @Override
  public String name() {
    return "train";
  }

  @Override
  public String summary() {
    return "Launch a distributed trainer on the shards: one Spark barrier task per rank, torchrun's variables";
  }

  @Override
  public String description() {
    return """
        Starts --ranks copies of --command at once, one per Spark barrier task, each asking for
        train.gpus-per-rank GPUs. Every rank gets MASTER_ADDR and MASTER_PORT (rank 0's host
        and a free port), WORLD_SIZE and RANK; each task is a node of one process, as in
        Spark's TorchDistributor: NODE_RANK = RANK, LOCAL_RANK 0, LOCAL_WORLD_SIZE 1, and
        CUDA_VISIBLE_DEVICES the task's own GPUs (so the rank's device is cuda:0). QED_SHARDS
        names its Parquet shards (r, r + ranks, ...), QED_TOKEN_FILES its token files (with
        shards --mmap-files), both local files (shards on HDFS or S3 are copied to the task's
        disk first); QED_SHARD_FORMAT and QED_SEQ_LEN say what they hold; QED_TRAIN_DIR is --out,
        where docker/trainer/train.py keeps checkpoints, its JSON-lines log and the model. Output is printed here prefixed [rank N]. A rank that exits non-zero or
        runs past train.timeout-minutes fails the launch: the others are stopped, their process
        groups killed, and the error quotes every rank's last lines.

        Needs as many free task slots as ranks (local[N] with N >= ranks; on a cluster,
        dynamic allocation off for barrier stages: conf/cluster/*.spark-defaults.conf).

        OUT/ranks.log keeps every line of every rank; OUT/report.json the hosts and shards.

        docker/trainer/train.py is the project's SFT trainer for the packed shards (DDP or FSDP,
        NCCL on GPUs, gloo on CPUs; see its --help): it checkpoints into OUT/checkpoints, resumes
        from the last one when launched again after a kill, and saves OUT/model.

        Example:
          ./qed shards --input runs/datasets/sft --out runs/shards --seq-len 32768 --shards 8 --mmap-files
          ./qed train --shards runs/shards --out runs/train --ranks 8 \
              --command 'python3 docker/trainer/train.py --model Qwen/Qwen3-4B-Thinking-2507 --lr 1e-5 --grad-accum 4 --save-every 200'""";
  }

  @Override
  protected List<OptionSpec> stageOptions() {
    return List.of(
        OptionSpec.required("shards", "DIR", "the output folder of ./qed shards"),
        OptionSpec.required("command", "CMD", "the command every rank runs (bash)"),
        OptionSpec.required("out", "DIR", "where the launch's report.json and ranks.log (every rank's output) go"),
        OptionSpec.value("ranks", "N", "world size (default train.ranks)"));
  }

  @Override
  protected List<String> inputOptions() {
    return List.of("shards");
  }

  @Override
  protected void checkOptions(Arguments args) {
    Arguments.positive(args, "ranks", 1);
  }

  @Override
  protected Stage<?, ?> stage(Stages stages, Arguments args, PrintStream out) {
    return stages.train(args.value("shards"), args.value("command"), Arguments.positive(args, "ranks", stages.trainSettings().ranks()))
        .output(out);
  }
}
