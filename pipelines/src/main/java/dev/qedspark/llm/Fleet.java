package dev.qedspark.llm;

import dev.qedspark.spark.SparkTasks;
import dev.qedspark.process.OutputRelay;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inference servers started on the cluster for one job: a Spark job with one long task per
 * server ({@link FleetServerTask}), each asking for {@code gpus-per-server} GPUs. The driver
 * waits until every server answers, hands their URLs to the clients (which send each request to
 * the server with the fewest in flight, {@link Replicas}), and stops them all on {@link #close}:
 * each server's task holds a connection to the driver, and ends (killing the server's process
 * group) when the driver closes it. Server output goes to the driver's log, prefixed
 * {@code [server N]}.
 */
public final class Fleet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);
  private final SparkSession spark;
  private final String group = "qed-fleet-" + UUID.randomUUID();
  private final ServerSocket registry;
  private final OutputRelay output;
  private final List<Socket> connections = new ArrayList<>();
  private final Map<Integer, String> ready = new TreeMap<>();
  private final List<String> failures = new ArrayList<>();
  private Thread job;
  private volatile Throwable jobFailure;

  private Fleet(SparkSession spark, String host) throws IOException {
    this.spark = spark;
    this.registry = new ServerSocket(0, 64, InetAddress.getByName(host));
    this.output = new OutputRelay(host, new PrintStream(new LogLines(), true, StandardCharsets.UTF_8), 40, null, null);
  }

  /** Starts the fleet and returns once every server answers; fails (stopping those that started) otherwise. */
  public static Fleet start(SparkSession spark, FleetSettings settings, String model) {
    if (settings.command().contains("{model}") && model.isEmpty()) {
      throw new LlmException("llm.fleet.command serves {model}, but llm.model is empty: set the model to serve (--model)");
    }
    int slots = spark.sparkContext().defaultParallelism();
    if (spark.sparkContext().isLocal() && slots <= settings.servers()) {
      throw new LlmException("a fleet of " + settings.servers() + " servers holds " + settings.servers() + " task slots for the whole job, and "
          + spark.sparkContext().master() + " has " + slots + ": the requests need slots too; use spark.master=local[" + (settings.servers() + 2)
          + "] or fewer servers");
    }
    String host = spark.sparkContext().getConf().get("spark.driver.host", "127.0.0.1");
    Fleet fleet;
    try {
      fleet = new Fleet(spark, host);
    } catch (IOException e) {
      throw new LlmException("cannot listen for the fleet's servers on " + host + ": " + e.getMessage(), e);
    }
    try {
      fleet.launch(settings, model, host);
      return fleet;
    } catch (RuntimeException e) {
      fleet.close();
      throw e;
    }
  }

  private void launch(FleetSettings settings, String model, String host) {
    int servers = settings.servers();
    long startMillis = (long) (settings.startMinutes() * 60_000);
    FleetServerTask task = new FleetServerTask(new FleetServerTask.Spec(settings.command(), model, host, registry.getLocalPort(), output.port(),
        startMillis));
    Thread acceptor = new Thread(this::accept, "fleet-registry");
    acceptor.setDaemon(true);
    acceptor.start();
    job = new Thread(() -> {
      try {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        jsc.setJobGroup(group, "fleet: " + servers + " inference servers", true);
        JavaRDD<Integer> tasks = SparkTasks.withGpus(jsc.parallelize(IntStream.range(0, servers).boxed().toList(), servers),
            settings.gpusPerServer());
        tasks.map(task::run).collect().forEach(ended -> LOG.info("fleet: {}", ended));
      } catch (Throwable e) {
        jobFailure = e;
      }
    }, "fleet-job");
    job.setDaemon(true);
    job.start();
    LOG.info("fleet: starting {} servers: {}", servers, settings.command());
    long deadline = System.currentTimeMillis() + startMillis + 60_000;
    synchronized (ready) {
      while (ready.size() < servers && failures.isEmpty() && jobFailure == null && System.currentTimeMillis() < deadline) {
        try {
          ready.wait(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LlmException("interrupted while the fleet was starting");
        }
      }
      if (ready.size() < servers) {
        output.drain();
        String why = !failures.isEmpty() ? String.join("; ", failures)
            : jobFailure != null ? String.valueOf(jobFailure.getMessage())
            : "only " + ready.size() + " of " + servers + " servers answered in time (are there " + servers + " free task slots"
                + (settings.gpusPerServer() > 0 ? " with " + settings.gpusPerServer() + " GPUs each" : "") + "?)";
        throw new LlmException("the inference fleet did not start: " + why + "\n" + output.tails());
      }
    }
    LOG.info("fleet: {} servers ready: {}", servers, ready.values());
  }

  private void accept() {
    while (!registry.isClosed()) {
      try {
        Socket socket = registry.accept();
        synchronized (connections) {
          connections.add(socket);
        }
        Thread reader = new Thread(() -> register(socket), "fleet-register");
        reader.setDaemon(true);
        reader.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  /** Reads a server's "server N ready URL pid P" or "server N failed WHY". */
  private void register(Socket socket) {
    try {
      String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
      if (line == null) {
        return;
      }
      String[] words = line.split(" ", 4);
      synchronized (ready) {
        if (words.length >= 4 && words[2].equals("ready")) {
          ready.put(Integer.parseInt(words[1]), words[3].split(" ")[0]);
          LOG.info("fleet: {}", line);
        } else {
          failures.add(line);
        }
        ready.notifyAll();
      }
    } catch (IOException | RuntimeException e) {
      // a server that cannot report is counted as not ready
    }
  }

  /** The servers' API roots, by server index. */
  public List<String> baseUrls() {
    synchronized (ready) {
      return List.copyOf(ready.values());
    }
  }

  /** Stops every server and waits (up to a minute) for their tasks to end. */
  @Override
  public void close() {
    try {
      registry.close(); // first, so that no server registers after the others were let go
    } catch (IOException ignored) {
      // already closed
    }
    synchronized (connections) {
      for (Socket s : connections) {
        try {
          s.close();
        } catch (IOException ignored) {
          // already gone
        }
      }
    }
    if (job != null) {
      try {
        job.join(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (job.isAlive()) {
        spark.sparkContext().cancelJobGroup(group);
      }
    }
    try {
      output.close();
    } catch (IOException ignored) {
      // nothing left to relay
    }
  }

  /** Server output as driver log lines. */
  private static final class LogLines extends java.io.OutputStream {
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        LOG.info(line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else {
        line.write(b);
      }
    }
  }
}
