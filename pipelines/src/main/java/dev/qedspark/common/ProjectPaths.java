package dev.qedspark.common;

/**
 * Resolves relative paths in the configuration. They are taken from the project folder named by
 * the {@code QED_HOME} environment variable (which {@code ./qed} sets), so the defaults work from
 * any working directory; without it, from the working directory. Absolute paths and URIs
 * ({@code hdfs://}, {@code s3a://}) are used as they are.
 */
public final class ProjectPaths {
  private ProjectPaths() {}

  public static String resolve(String path) {
    String home = System.getenv("QED_HOME");
    if (isAbsoluteOrUri(path) || home == null || home.isBlank()) {
      return path;
    }
    return java.nio.file.Path.of(home).resolve(path).normalize().toString();
  }

  public static boolean isAbsoluteOrUri(String path) {
    return path.startsWith("/") || path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
  }
}
