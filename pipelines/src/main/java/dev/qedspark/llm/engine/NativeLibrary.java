package dev.qedspark.llm.engine;

import dev.qedspark.common.NativeLibraries;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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
  static void prepare(Path scratch) {
    String arch = NativeLibraries.linuxArch();
    if (arch == null) {
      return; // another system: the loader's own extraction
    }
    try {
      NativeLibraries.useExtracted(PROPERTY, "/de/kherud/llama/Linux/" + arch, List.of(FILE), scratch.resolve("native"), "jllama");
    } catch (IOException e) {
      throw new EngineException("cannot extract llama.cpp's native library into " + scratch + ": " + e.getMessage(), e);
    }
  }
}
