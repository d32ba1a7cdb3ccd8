package dev.qedspark.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A task's end of an {@link OutputRelay}: copies a process's output to the driver, line by line. */
public final class RelayClient implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;

  /** Connects and introduces itself as {@code label} (e.g. "rank 1", "server 0"). */
  public RelayClient(String host, int port, String label) throws IOException {
    this.socket = new Socket(host, port);
    this.out = socket.getOutputStream();
    line(label);
  }

  public synchronized void line(String text) throws IOException {
    out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Copies the process's output in a daemon thread; join it to wait for the last line. */
  public Thread copy(Process process) {
    Thread copier = new Thread(() -> {
      boolean relaying = true;
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l = in.readLine(); l != null; l = in.readLine()) {
          if (relaying) {
            try {
              line(l);
            } catch (IOException driverGone) {
              relaying = false; // keep reading: a full pipe would block the process
            }
          }
        }
      } catch (IOException ignored) {
        // the process is gone; its exit code says what happened
      }
    }, "relay-" + process.pid());
    copier.setDaemon(true);
    copier.start();
    return copier;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
