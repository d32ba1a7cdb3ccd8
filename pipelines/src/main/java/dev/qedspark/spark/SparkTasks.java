package dev.qedspark.spark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;

/** What a long Spark task that runs a child process (a trainer rank, an inference server) needs to know. */
public final class SparkTasks {
  private SparkTasks() {}

  /** The tasks of {@code rdd} each ask for {@code gpus} GPUs (a stage-level profile); 0 leaves it as it is. */
  public static <T> JavaRDD<T> withGpus(JavaRDD<T> rdd, double gpus) {
    return gpus <= 0 ? rdd : rdd.withResources(new ResourceProfileBuilder()
        .require(new TaskResourceRequests().cpus(1).resource("gpu", gpus)).build());
  }

  /** The host this executor is known by to the others (and to the driver). */
  public static String workerHost() {
    return SparkEnv.get().blockManager().blockManagerId().host();
  }

  /** A port free on {@code host} now (another process may take it before it is used). */
  public static int freePort(String host) throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return probe.getLocalPort();
    }
  }

  /** The addresses of the GPUs Spark gave {@code task}: none when it asked for none. */
  public static String[] gpuAddresses(TaskContext task) {
    scala.Option<ResourceInformation> gpu = task.resources().get("gpu");
    return gpu.isDefined() ? gpu.get().addresses() : new String[0];
  }
}
