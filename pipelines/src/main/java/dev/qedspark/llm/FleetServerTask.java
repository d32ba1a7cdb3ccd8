package dev.qedspark.llm;

import dev.qedspark.spark.SparkTasks;
import dev.qedspark.process.ProcessGroups;
import dev.qedspark.process.RelayClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.TaskContext;

/**
 * One fleet server, run as a Spark task for as long as the job needs it: starts the command on a
 * free port of the worker, waits until {@code GET /v1/models} answers, tells the driver its URL
 * over a connection the driver keeps open, and stops the server (its whole process group) when
 * the driver closes that connection, when Spark kills the task, or when the server dies.
 *
 * <p>A server that dies does not fail the task: Spark would start it again elsewhere under a new
 * URL the running clients do not know. Its requests go to the other servers instead.
 */
final class FleetServerTask implements Serializable {
  private static final long serialVersionUID = 1L;

  record Spec(String command, String model, String driverHost, int registryPort, int outputPort, long startMillis) implements Serializable {}

  private final Spec spec;

  FleetServerTask(Spec spec) {
    this.spec = spec;
  }

  /** Runs server {@code index} until the driver lets it go; returns how it ended. */
  String run(int index) throws IOException, InterruptedException {
    String host = SparkTasks.workerHost();
    int port = SparkTasks.freePort(host);
    String command = spec.command().replace("{model}", spec.model()).replace("{host}", host).replace("{port}", String.valueOf(port));
    String baseUrl = "http://" + host + ":" + port + "/v1";
    TaskContext task = TaskContext.get();
    Map<String, String> env = new java.util.HashMap<>(Map.of("PYTHONUNBUFFERED", "1"));
    String[] gpus = SparkTasks.gpuAddresses(task);
    if (gpus.length > 0) {
      env.put("CUDA_VISIBLE_DEVICES", String.join(",", gpus)); // the server's own GPUs only
    }
    Process process = ProcessGroups.start(command, env);
    Set<ProcessHandle> started = new HashSet<>();
    try (RelayClient output = new RelayClient(spec.driverHost(), spec.outputPort(), "server " + index);
        Socket control = new Socket(spec.driverHost(), spec.registryPort())) {
      output.copy(process);
      OutputStream toDriver = control.getOutputStream();
      String ready = waitUntilServing(process, baseUrl, task, started);
      toDriver.write(("server " + index + (ready == null ? " ready " + baseUrl + " pid " + process.pid() : " failed " + ready) + "\n")
          .getBytes(StandardCharsets.UTF_8));
      toDriver.flush();
      if (ready != null) {
        return "server " + index + " failed: " + ready;
      }
      control.setSoTimeout(200);
      InputStream fromDriver = control.getInputStream();
      while (process.isAlive() && !task.isInterrupted()) {
        ProcessGroups.track(process, started);
        try {
          if (fromDriver.read() < 0) {
            return "server " + index + " stopped by the driver";
          }
        } catch (SocketTimeoutException stillOpen) {
          // the job still needs the server
        }
      }
      return process.isAlive() ? "server " + index + " stopped with its task" : "server " + index + " exited with code " + process.exitValue();
    } finally {
      ProcessGroups.kill(process, started);
    }
  }

  /** Null once the server answers {@code GET /v1/models}; else why it never did. */
  private String waitUntilServing(Process process, String baseUrl, TaskContext task, Set<ProcessHandle> started) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest models = HttpRequest.newBuilder(URI.create(baseUrl + "/models")).timeout(Duration.ofSeconds(5)).GET().build();
    long deadline = System.currentTimeMillis() + spec.startMillis();
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        return "the server exited with code " + process.exitValue() + " before answering " + baseUrl + "/models";
      }
      if (task.isInterrupted()) {
        return "the task was stopped";
      }
      ProcessGroups.track(process, started);
      try {
        if (http.send(models, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return null;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(500);
    }
    return "the server did not answer " + baseUrl + "/models within " + spec.startMillis() / 1000 + " s (llm.fleet.start-minutes)";
  }
}
