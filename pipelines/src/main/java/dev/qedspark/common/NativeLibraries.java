package dev.qedspark.common;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Native libraries shipped inside jars, extracted once per content into a folder of ours instead
 * of a fresh temp folder per run (or one fixed file that two JVMs overwrite under each other).
 * Each file is written aside and renamed into place, so a JVM that starts at the same moment sees
 * the whole file or none.
 */
public final class NativeLibraries {
  private NativeLibraries() {}

  /** Whether this is Linux on x86-64 or arm64, the platforms whose libraries the jars name predictably. */
  public static String linuxArch() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.contains("linux")) {
      return null;
    }
    return arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("aarch64") ? "aarch64" : null;
  }

  /**
   * Copies {@code files} from the class-path folder {@code resourceFolder} into
   * {@code cacheRoot/<name>-<hash of their content>/} unless they are there already.
   *
   * @return that folder, or null when a resource is missing (the caller keeps the library's own loading)
   */
  public static Path extractOnce(String resourceFolder, List<String> files, Path cacheRoot, String name) throws IOException {
    List<byte[]> contents = new ArrayList<>();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (String file : files) {
      try (InputStream in = NativeLibraries.class.getResourceAsStream(resourceFolder + "/" + file)) {
        if (in == null) {
          return null;
        }
        byte[] bytes = in.readAllBytes();
        contents.add(bytes);
        all.write(bytes);
      }
    }
    // Per user, so another user of a shared temp folder cannot put a library there for us to load.
    Path folder = cacheRoot.resolve(System.getProperty("user.name", "user")).resolve(name + "-" + Hashes.sha256(all.toByteArray()).substring(0, 16));
    Files.createDirectories(folder);
    for (int i = 0; i < files.size(); i++) {
      Path target = folder.resolve(files.get(i));
      // Loaded only when its content is what the jar holds.
      if (!Files.exists(target) || !Hashes.sha256(contents.get(i)).equals(Hashes.sha256(Files.readAllBytes(target)))) {
        byte[] content = contents.get(i);
        LocalFiles.writeAtomically(target, out -> out.write(content));
      }
    }
    return folder;
  }

  /**
   * Points the loader's system property at the libraries extracted once ({@link #extractOnce}),
   * unless the property is set already (by the user) or the jar does not hold them.
   */
  public static synchronized void useExtracted(String property, String resourceFolder, List<String> files, Path cacheRoot, String name)
      throws IOException {
    if (System.getProperty(property) != null) {
      return;
    }
    Path folder = extractOnce(resourceFolder, files, cacheRoot, name);
    if (folder != null) {
      System.setProperty(property, folder.toString());
    }
  }
}
