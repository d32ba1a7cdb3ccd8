package dev.qedspark.process;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Child processes that leave nothing behind: each command runs in a session and process group of
 * its own ({@code setsid}, which does not fork here since a child of the JVM leads no group, so
 * the group id is the process id), and {@link #kill} kills the whole group and every descendant
 * seen while it ran, including children whose parent already exited.
 */
public final class ProcessGroups {
  private static final boolean SETSID = new File("/usr/bin/setsid").canExecute();

  private ProcessGroups() {}

  /** Starts {@code bash -c command} in its own process group, stdout and stderr merged. */
  public static Process start(String command, Map<String, String> environment) throws IOException {
    List<String> line = new ArrayList<>();
    if (SETSID) {
      line.add("/usr/bin/setsid");
    }
    line.addAll(List.of("bash", "-c", command));
    ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
    builder.environment().putAll(environment);
    return builder.start();
  }

  /** Adds the process's current descendants to {@code seen} (call it while the process runs). */
  public static void track(Process process, Set<ProcessHandle> seen) {
    process.descendants().forEach(seen::add);
  }

  /** Kills the process, its process group, and every descendant in {@code seen}. */
  public static void kill(Process process, Set<ProcessHandle> seen) {
    track(process, seen);
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
