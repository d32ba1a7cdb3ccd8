package dev.qedspark.train;

import dev.qedspark.spark.SparkTasks;
import dev.qedspark.common.LocalFiles;
import dev.qedspark.process.ProcessGroups;
import dev.qedspark.process.RelayClient;
import dev.qedspark.io.HadoopConf;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.Path;
import org.apache.spark.BarrierTaskContext;

/**
 * One rank of a launch, run as a task of a Spark barrier stage: agrees on the rendezvous with the
 * other ranks ({@link BarrierTaskContext#allGather}), starts the command with the rank's
 * environment, relays its output to the driver, and makes sure the process (and anything it
 * started) is gone when the task ends: on exit, time-out, failure, or when Spark kills the task
 * because another rank failed.
 */
final class RankTask implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What every rank needs; the rank's own shards are {@code shards.get(rank)}. */
  record Spec(String command, int ranks, List<List<String>> shards, List<List<String>> tokenFiles, String format, int seqLen,
      String trainDir, String driverHost, int outputPort, long timeoutMillis, HadoopConf hadoop) implements Serializable {}

  private final Spec spec;

  RankTask(Spec spec) {
    this.spec = spec;
  }

  /** Runs rank {@code context.partitionId()}; returns its host; throws when the process fails. */
  String run(BarrierTaskContext context) throws Exception {
    int rank = context.partitionId();
    String host = SparkTasks.workerHost();
    int port = rank == 0 ? SparkTasks.freePort(host) : 0;
    String[] everyone = context.allGather(host + " " + port);
    java.nio.file.Path scratch = Files.createTempDirectory("qed-rank-" + rank + "-");
    try {
      Map<String, String> env = environment(rank, everyone, SparkTasks.gpuAddresses(context), localCopies(spec.shards().get(rank), scratch),
          localCopies(spec.tokenFiles().get(rank), scratch));
      return runProcess(context, rank, host, env);
    } finally {
      LocalFiles.deleteTree(scratch);
    }
  }

  /**
   * The files as the process can open them: local paths stay, files on HDFS or S3 are copied into
   * the task's scratch folder first (trainers open and mmap plain files).
   */
  private List<String> localCopies(List<String> paths, java.nio.file.Path scratch) throws IOException {
    List<String> local = new ArrayList<>();
    for (String path : paths) {
      if (!path.contains("://")) {
        local.add(path);
        continue;
      }
      Path remote = new Path(path);
      java.nio.file.Path copy = scratch.resolve(remote.getName());
      remote.getFileSystem(spec.hadoop().get()).copyToLocalFile(false, remote, new Path(copy.toUri()), true);
      local.add(copy.toString());
    }
    return local;
  }

  private String runProcess(BarrierTaskContext context, int rank, String host, Map<String, String> env) throws Exception {
    Process process = ProcessGroups.start(spec.command(), env);
    Set<ProcessHandle> started = new HashSet<>();
    try (RelayClient relay = new RelayClient(spec.driverHost(), spec.outputPort(), "rank " + rank)) {
      Thread copier = relay.copy(process);
      long deadline = spec.timeoutMillis() > 0 ? System.currentTimeMillis() + spec.timeoutMillis() : Long.MAX_VALUE;
      while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
        ProcessGroups.track(process, started);
        if (context.isInterrupted()) {
          throw new IllegalStateException("rank " + rank + " was stopped because another rank failed");
        }
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("rank " + rank + " timed out after " + spec.timeoutMillis() / 1000.0 + " s (train.timeout-minutes)");
        }
      }
      copier.join(5_000);
      if (process.exitValue() != 0) {
        throw new IllegalStateException("rank " + rank + " exited with code " + process.exitValue());
      }
      return host;
    } finally {
      ProcessGroups.kill(process, started);
    }
  }

  /**
   * torchrun's variables, with each Spark task as one torchrun node of one process (as Spark's
   * TorchDistributor does): NODE_RANK is the rank, LOCAL_RANK 0, and CUDA_VISIBLE_DEVICES the
   * task's own GPUs, so a rank's device is cuda:0 however many ranks share a host.
   */
  private Map<String, String> environment(int rank, String[] everyone, String[] gpus, List<String> shards, List<String> tokenFiles) {
    String[] master = everyone[0].split(" ");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MASTER_ADDR", master[0]);
    env.put("MASTER_PORT", master[1]);
    env.put("WORLD_SIZE", String.valueOf(spec.ranks()));
    env.put("RANK", String.valueOf(rank));
    env.put("LOCAL_RANK", "0");
    env.put("LOCAL_WORLD_SIZE", "1");
    env.put("NODE_RANK", String.valueOf(rank));
    if (gpus.length > 0) {
      env.put("CUDA_VISIBLE_DEVICES", String.join(",", gpus));
    }
    env.put("QED_SHARDS", String.join(",", shards));
    env.put("QED_TOKEN_FILES", String.join(",", tokenFiles));
    env.put("QED_SHARD_FORMAT", spec.format());
    env.put("QED_SEQ_LEN", String.valueOf(spec.seqLen()));
    env.put("QED_TRAIN_DIR", spec.trainDir());
    env.put("PYTHONUNBUFFERED", "1");
    return env;
  }

}
