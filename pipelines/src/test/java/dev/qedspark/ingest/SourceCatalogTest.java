package dev.qedspark.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.common.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceCatalogTest {
  @TempDir Path dir;

  private List<SourceSpec> load(String yaml) throws IOException {
    Path file = Files.writeString(dir.resolve("sources.yaml"), yaml);
    return SourceCatalog.load(new Configuration(), file.toString());
  }

  @Test
  void relativePathsAreTakenFromTheCatalogsFolder() throws IOException {
    List<SourceSpec> specs = load("sources:\n  - name: a\n    path: data/a.jsonl\n    columns: {problem: text}\n");
    assertEquals(dir.resolve("data/a.jsonl").toString(), specs.get(0).path().replaceFirst("^file:", ""));
    assertEquals(SourceFormat.JSONL, specs.get(0).effectiveFormat());
  }

  @Test
  void mistakesInTheCatalogAreNamed() {
    ConfigException unknown = assertThrows(ConfigException.class,
        () -> load("sources:\n  - name: a\n    path: a.jsonl\n    colums: {problem: text}\n"));
    assertTrue(unknown.getMessage().contains("unknown key 'colums'"), unknown.getMessage());
    ConfigException noProblem = assertThrows(ConfigException.class,
        () -> load("sources:\n  - name: a\n    path: a.jsonl\n    columns: {answer: x}\n"));
    assertTrue(noProblem.getMessage().contains("source 'a'") && noProblem.getMessage().contains("problem text"), noProblem.getMessage());
    ConfigException badField = assertThrows(ConfigException.class,
        () -> load("sources:\n  - name: a\n    path: a.jsonl\n    columns: {problem: p, difficulty: d}\n"));
    assertTrue(badField.getMessage().contains("'difficulty' is not a problems field"), badField.getMessage());
    ConfigException twice = assertThrows(ConfigException.class,
        () -> load("sources:\n  - {name: a, path: a.jsonl, columns: {problem: p}}\n  - {name: a, path: b.jsonl, columns: {problem: p}}\n"));
    assertTrue(twice.getMessage().contains("used by another source"), twice.getMessage());
    ConfigException badFormat = assertThrows(ConfigException.class,
        () -> load("sources:\n  - {name: a, path: a.txt, format: xml, columns: {problem: p}}\n"));
    assertTrue(badFormat.getMessage().contains("unknown format 'xml'"), badFormat.getMessage());
    ConfigException missing = assertThrows(ConfigException.class,
        () -> SourceCatalog.load(new Configuration(), dir.resolve("none.yaml").toString()));
    assertTrue(missing.getMessage().startsWith("source catalog not found"), missing.getMessage());
  }
}
