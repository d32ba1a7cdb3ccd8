package dev.qedspark.ingest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sources for files named on the command line, which come without a catalog entry: the source
 * name is the file name without its extension, the format comes from the extension unless
 * given, and columns are found by their common names unless mapped explicitly.
 */
public final class InputFiles {
  /** Cell values that mean "absent" in files without a declared mapping. */
  public static final List<String> COMMON_NULL_VALUES = List.of("None", "None.", "null", "NULL", "N/A", "n/a");

  private InputFiles() {}

  /**
   * @param paths the files (or Parquet folders)
   * @param format the format of all of them; null to go by each extension
   * @param benchmark whether they are benchmark sets
   * @param mapping {@code field -> column} choices that win over the common names
   */
  public static List<SourceSpec> specs(List<String> paths, SourceFormat format, boolean benchmark, Map<String, String> mapping) {
    ColumnMapping columns = ColumnMapping.COMMON_NAMES.overriddenBy(mapping);
    Set<String> names = new HashSet<>();
    List<SourceSpec> specs = new ArrayList<>();
    for (String path : paths) {
      String base = sourceName(path);
      String name = base;
      for (int n = 2; !names.add(name); n++) {
        name = base + "-" + n;
      }
      SourceSpec spec = new SourceSpec(name, path, format, benchmark, columns, Map.of(), COMMON_NULL_VALUES);
      spec.effectiveFormat();
      specs.add(spec);
    }
    return specs;
  }

  static String sourceName(String path) {
    String file = path.replaceAll("/+$", "");
    file = file.substring(file.lastIndexOf('/') + 1);
    int dot = file.indexOf('.');
    String stem = dot > 0 ? file.substring(0, dot) : file;
    String name = stem.replaceAll("[^A-Za-z0-9._-]", "_");
    return name.isEmpty() || !Character.isLetterOrDigit(name.charAt(0)) ? "input" + name : name;
  }
}
