package dev.qedspark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies between the library's packages point one way: each package imports only the
 * packages below it in {@link #LAYERS} (docs/architecture.md, "Packages"). A new import that
 * points up, and so could close a cycle, fails here with the file and the import.
 */
class PackageLayersTest {
  /** Top to bottom. */
  static final List<String> LAYERS = List.of("bench", "pipeline", "config", "eval", "train", "sft", "rl", "curation", "publish", "proofs", "grading", "llm.batch", "llm", "llm.engine", "process",
      "ingest", "decontam", "dedup", "stage", "io", "text", "chat", "spark", "common");
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.qedspark\\.([a-z.]+?)\\.[A-Z]", Pattern.MULTILINE);

  @Test
  void everyImportPointsDown() throws IOException {
    Path root = Path.of("src", "main", "java", "dev", "qedspark");
    List<String> upward = new ArrayList<>();
    TreeSet<String> unlisted = new TreeSet<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String pkg = root.relativize(file.getParent()).toString().replace('/', '.');
        if (!LAYERS.contains(pkg)) {
          unlisted.add(pkg);
          continue;
        }
        Matcher m = IMPORT.matcher(Files.readString(file));
        while (m.find()) {
          String imported = m.group(1);
          if (!LAYERS.contains(imported)) {
            unlisted.add(imported);
          } else if (!imported.equals(pkg) && LAYERS.indexOf(imported) < LAYERS.indexOf(pkg)) {
            upward.add(root.relativize(file) + " imports " + imported);
          }
        }
      }
    }
    assertEquals(List.of(), List.copyOf(unlisted), "every package has a place in LAYERS");
    assertEquals(List.of(), upward, "imports that point up the layers");
  }
}
