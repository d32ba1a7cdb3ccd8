package dev.qedspark.train;

import dev.qedspark.process.ProcessGroups;
import dev.qedspark.process.RelayClient;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.resource.ResourceInformation;

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
      String driverHost, int outputPort, long timeoutMillis) implements Serializable {}

  private final Spec spec;

  RankTask(Spec spec) {
    this.spec = spec;
  }

  /** Runs rank {@code context.partitionId()}; returns its host; throws when the process fails. */
  String run(BarrierTaskContext context) throws Exception {
    int rank = context.partitionId();
    String host = SparkEnv.get().blockManager().blockManagerId().host();
    int port = rank == 0 ? freePort(host) : 0;
    String[] everyone = context.allGather(host + " " + port);
    Map<String, String> env = environment(rank, everyone, gpuAddresses(context));
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

  private Map<String, String> environment(int rank, String[] everyone, String[] gpus) {
    String[] master = everyone[0].split(" ");
    List<String> hosts = new ArrayList<>();
    for (String info : everyone) {
      hosts.add(info.split(" ")[0]);
    }
    String host = hosts.get(rank);
    List<String> distinctHosts = hosts.stream().distinct().toList();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MASTER_ADDR", master[0]);
    env.put("MASTER_PORT", master[1]);
    env.put("WORLD_SIZE", String.valueOf(spec.ranks()));
    env.put("RANK", String.valueOf(rank));
    env.put("LOCAL_RANK", String.valueOf(hosts.subList(0, rank).stream().filter(host::equals).count()));
    env.put("LOCAL_WORLD_SIZE", String.valueOf(hosts.stream().filter(host::equals).count()));
    env.put("NODE_RANK", String.valueOf(distinctHosts.indexOf(host)));
    if (gpus.length > 0) {
      env.put("CUDA_VISIBLE_DEVICES", String.join(",", gpus));
    }
    env.put("QED_SHARDS", String.join(",", spec.shards().get(rank)));
    env.put("QED_TOKEN_FILES", String.join(",", spec.tokenFiles().get(rank)));
    env.put("QED_SHARD_FORMAT", spec.format());
    env.put("QED_SEQ_LEN", String.valueOf(spec.seqLen()));
    env.put("PYTHONUNBUFFERED", "1");
    return env;
  }

  private static String[] gpuAddresses(BarrierTaskContext context) {
    scala.Option<ResourceInformation> gpu = context.resources().get("gpu");
    return gpu.isDefined() ? gpu.get().addresses() : new String[0];
  }

  private static int freePort(String host) throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return probe.getLocalPort();
    }
  }
}
