package dev.qedspark.common;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** Files and folders on the local disk. */
public final class LocalFiles {
  private LocalFiles() {}

  /** Writes to a stream. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code target} whole or not at all: into a temporary file of its own beside it, then
   * renamed over it. Readers never see half a file, and two processes writing the same file at
   * once each write their own (the last rename wins).
   */
  public static void writeAtomically(Path target, Writer writer) throws IOException {
    Path folder = target.toAbsolutePath().getParent();
    Files.createDirectories(folder);
    Path partial = Files.createTempFile(folder, target.getFileName().toString(), ".partial");
    try {
      try (OutputStream out = Files.newOutputStream(partial)) {
        writer.write(out);
      }
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** Deletes {@code folder} and everything in it; nothing happens when it does not exist. */
  public static void deleteTree(Path folder) throws IOException {
    if (folder == null || !Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
