package dev.qedspark.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
    ProcessBuilder builder = new ProcessBuilder(ownGroup("bash", "-c", spec.command())).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    Set<ProcessHandle> started = new HashSet<>();
    try (Socket relay = new Socket(spec.driverHost(), spec.outputPort())) {
      OutputStream toDriver = relay.getOutputStream();
      toDriver.write(("rank " + rank + "\n").getBytes(StandardCharsets.UTF_8));
      Thread copier = new Thread(() -> copy(process, toDriver), "rank-" + rank + "-output");
      copier.setDaemon(true);
      copier.start();
      long deadline = spec.timeoutMillis() > 0 ? System.currentTimeMillis() + spec.timeoutMillis() : Long.MAX_VALUE;
      while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(started::add);
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
      killTree(process, started);
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

  private static void copy(Process process, OutputStream toDriver) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        toDriver.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        toDriver.flush();
      }
    } catch (IOException ignored) {
      // the process or the relay is gone; the exit code says what happened
    }
  }

  private static final boolean SETSID = new java.io.File("/usr/bin/setsid").canExecute();

  /**
   * The command in a session and process group of its own ({@code setsid}, which does not fork
   * here since a child of the JVM leads no group): the group id is the process id, so the whole
   * group can be killed, including children whose parent already exited.
   */
  private static List<String> ownGroup(String... command) {
    List<String> line = new ArrayList<>();
    if (SETSID) {
      line.add("/usr/bin/setsid");
    }
    line.addAll(List.of(command));
    return line;
  }

  /** Kills the process, its process group, and every descendant seen while it ran. */
  static void killTree(Process process, Set<ProcessHandle> seen) {
    process.descendants().forEach(seen::add);
    if (SETSID) {
      try {
        new ProcessBuilder("kill", "-KILL", "--", "-" + process.pid()).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
      } catch (IOException e) {
        // the descendants below are still killed one by one
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    seen.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
