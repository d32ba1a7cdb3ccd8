package dev.qedspark.ingest;

import dev.qedspark.common.Yaml;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.qedspark.common.ConfigException;
import dev.qedspark.common.ProjectPaths;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The list of sources in {@code conf/sources.yaml}. Relative paths in it are taken from the
 * folder that holds the catalog file, so the catalog and the data can move together.
 */
public final class SourceCatalog {
  private SourceCatalog() {}

  /** A source as written in YAML. */
  record Entry(
      @JsonProperty(required = true) String name,
      @JsonProperty(required = true) String path,
      String format,
      Boolean benchmark,
      Map<String, String> columns,
      Map<String, String> constants,
      List<String> nullValues,
      String license,
      String description) {}

  record File(List<Entry> sources) {}

  /** Reads a catalog from any file system Hadoop knows (local, HDFS, S3A, ...). */
  public static List<SourceSpec> load(Configuration hadoop, String catalogPath) {
    Path catalog = new Path(catalogPath);
    File file;
    try (InputStream in = catalog.getFileSystem(hadoop).open(catalog)) {
      file = Yaml.MAPPER.readValue(new String(in.readAllBytes(), StandardCharsets.UTF_8), File.class);
    } catch (FileNotFoundException e) {
      throw new ConfigException("source catalog not found: " + catalog
          + " (set ingest.sources, or name files with --input)");
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException("unknown key '" + e.getPropertyName() + "' in source catalog " + catalog
          + " at " + e.getPathReference() + "; valid keys: "
          + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")));
    } catch (ValueInstantiationException e) {
      throw new ConfigException("bad source in " + catalog + ": " + e.getCause().getMessage(), e);
    } catch (IOException e) {
      throw new ConfigException("cannot read source catalog " + catalog + ": " + e.getMessage(), e);
    }
    if (file == null || file.sources() == null || file.sources().isEmpty()) {
      throw new ConfigException("source catalog " + catalog + " lists no sources (expected a 'sources:' list)");
    }
    Path base = catalog.getParent();
    List<SourceSpec> specs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Entry e : file.sources()) {
      try {
        if (e.columns() == null || !e.columns().containsKey("problem")) {
          throw new IllegalArgumentException("'columns' must name the column that holds the problem text (problem: ...)");
        }
        if (!names.add(e.name())) {
          throw new IllegalArgumentException("the name is used by another source too");
        }
        String path = ProjectPaths.isAbsoluteOrUri(e.path()) ? e.path() : new Path(base, e.path()).toString();
        specs.add(new SourceSpec(e.name(), path, e.format() == null ? null : SourceFormat.named(e.format()),
            Boolean.TRUE.equals(e.benchmark()), ColumnMapping.declared(e.columns()), e.constants(), e.nullValues(), e.license()));
      } catch (IllegalArgumentException ex) {
        throw new ConfigException("source '" + e.name() + "' in " + catalog + ": " + ex.getMessage(), ex);
      }
    }
    return specs;
  }
}
