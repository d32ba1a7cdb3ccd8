package dev.qedspark.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The driver's end of the output of processes that Spark tasks run (trainer ranks, inference
 * servers): each task connects ({@link RelayClient}), names itself ("rank 1", "server 0") and
 * sends its process's output line by line; lines are printed with that prefix as they arrive,
 * written to a log file, and the last lines of each are kept for failure messages.
 */
public final class OutputRelay implements AutoCloseable {
  private final ServerSocket server;
  private final PrintStream out;
  private final int tailLines;
  private final Map<String, Deque<String>> tails = new TreeMap<>();
  private final List<Thread> readers = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();
  private final PrintStream log;

  /** @param logFile every line is also written here (null: none), e.g. a launch's {@code ranks.log} */
  public OutputRelay(String host, PrintStream out, int tailLines, String logFile, Configuration hadoop) throws IOException {
    this.log = logFile == null ? null : new PrintStream(new Path(logFile).getFileSystem(hadoop).create(new Path(logFile), true), true,
        StandardCharsets.UTF_8);
    this.server = new ServerSocket(0, 64, InetAddress.getByName(host));
    this.out = out;
    this.tailLines = tailLines;
    Thread acceptor = new Thread(this::accept, "rank-output");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        synchronized (sockets) {
          sockets.add(socket);
        }
        Thread reader = new Thread(() -> read(socket), "rank-output-reader");
        reader.setDaemon(true);
        synchronized (readers) {
          readers.add(reader);
        }
        reader.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void read(Socket socket) {
    try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
      String label = in.readLine();
      if (label == null || label.isBlank()) {
        return;
      }
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        synchronized (tails) {
          Deque<String> tail = tails.computeIfAbsent(label, r -> new ArrayDeque<>());
          tail.addLast(line);
          if (tail.size() > tailLines) {
            tail.removeFirst();
          }
          out.println("[" + label + "] " + line);
          if (log != null) {
            log.println("[" + label + "] " + line);
          }
        }
      }
    } catch (IOException ignored) {
      // a rank that disconnects early has said what it could
    }
  }

  /** Waits (briefly) for the last lines to arrive. */
  public void drain() {
    List<Thread> all;
    synchronized (readers) {
      all = new ArrayList<>(readers);
    }
    for (Thread t : all) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Each sender's last lines, in order of their labels. */
  public String tails() {
    StringBuilder text = new StringBuilder();
    synchronized (tails) {
      tails.forEach((label, lines) -> {
        text.append("--- ").append(label).append(", last ").append(lines.size()).append(" lines ---\n");
        lines.forEach(l -> text.append(l).append('\n'));
      });
    }
    return text.toString();
  }

  @Override
  public void close() throws IOException {
    server.close();
    synchronized (sockets) {
      for (Socket s : sockets) {
        s.close();
      }
    }
    synchronized (tails) {
      if (log != null) {
        log.close();
      }
    }
  }
}
