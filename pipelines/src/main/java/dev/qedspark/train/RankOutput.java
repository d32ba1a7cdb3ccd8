package dev.qedspark.train;

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
 * The driver's end of the ranks' output: each rank's task connects, says its rank, and sends its
 * process's output line by line; lines are printed with a {@code [rank N]} prefix as they arrive,
 * and the last lines of each rank are kept for the failure message.
 */
final class RankOutput implements AutoCloseable {
  private final ServerSocket server;
  private final PrintStream out;
  private final int tailLines;
  private final Map<Integer, Deque<String>> tails = new TreeMap<>();
  private final List<Thread> readers = new ArrayList<>();
  private final PrintStream log;

  /** @param logFile every line of every rank is also written here (the launch's {@code ranks.log}) */
  RankOutput(String host, PrintStream out, int tailLines, String logFile, Configuration hadoop) throws IOException {
    Path file = new Path(logFile);
    this.log = new PrintStream(file.getFileSystem(hadoop).create(file, true), true, StandardCharsets.UTF_8);
    this.server = new ServerSocket(0, 64, InetAddress.getByName(host));
    this.out = out;
    this.tailLines = tailLines;
    Thread acceptor = new Thread(this::accept, "rank-output");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
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
      String first = in.readLine();
      if (first == null || !first.startsWith("rank ")) {
        return;
      }
      int rank = Integer.parseInt(first.substring(5).strip());
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        synchronized (tails) {
          Deque<String> tail = tails.computeIfAbsent(rank, r -> new ArrayDeque<>());
          tail.addLast(line);
          if (tail.size() > tailLines) {
            tail.removeFirst();
          }
          out.println("[rank " + rank + "] " + line);
          log.println("[rank " + rank + "] " + line);
        }
      }
    } catch (IOException | NumberFormatException ignored) {
      // a rank that disconnects early has said what it could
    }
  }

  /** Waits (briefly) for the ranks' last lines to arrive. */
  void drain() {
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

  /** Every rank's last lines, rank by rank. */
  String tails() {
    StringBuilder text = new StringBuilder();
    synchronized (tails) {
      tails.forEach((rank, lines) -> {
        text.append("--- rank ").append(rank).append(", last ").append(lines.size()).append(" lines ---\n");
        lines.forEach(l -> text.append(l).append('\n'));
      });
    }
    return text.toString();
  }

  @Override
  public void close() throws IOException {
    server.close();
    synchronized (tails) {
      log.close();
    }
  }
}
