package dev.qedspark.llm.engine;

import dev.qedspark.common.Hashes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Gives llama.cpp's JNI library a file of its own before de.kherud:llama loads it. Left alone,
 * the loader extracts {@code libjllama.so} to the system temp folder under one fixed name, so two
 * JVMs starting at once (two servers of a fleet on one worker) overwrite the file the other has
 * just mapped and one dies with SIGBUS, and every run leaves a copy behind. Here it is extracted
 * once into the engine's scratch folder, under a name that holds the content's hash, written
 * aside and renamed into place; the loader is pointed there ({@code de.kherud.llama.lib.path}).
 */
final class NativeLibrary {
  private static final String PROPERTY = "de.kherud.llama.lib.path";
  private static final String FILE = "libjllama.so";

  private NativeLibrary() {}

  /** Extracts the library for this OS and architecture into {@code scratch}, unless the property is set already. */
  static synchronized void prepare(Path scratch) {
    if (System.getProperty(PROPERTY) != null) {
      return;
    }
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.contains("linux")) {
      return; // other systems keep the loader's own extraction
    }
    String resource = "/de/kherud/llama/Linux/" + (arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch) + "/" + FILE;
    try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
      if (in == null) {
        return;
      }
      byte[] bytes = in.readAllBytes();
      Path folder = scratch.resolve("native").resolve(Hashes.sha256(bytes).substring(0, 16));
      Path library = folder.resolve(FILE);
      if (!Files.exists(library) || Files.size(library) != bytes.length) {
        Files.createDirectories(folder);
        Path partial = Files.createTempFile(folder, FILE, ".partial");
        Files.write(partial, bytes);
        Files.move(partial, library, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      System.setProperty(PROPERTY, folder.toString());
    } catch (IOException e) {
      throw new EngineException("cannot extract llama.cpp's native library into " + scratch + ": " + e.getMessage(), e);
    }
  }
}
