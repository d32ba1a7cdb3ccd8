package dev.qedspark.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line that says what to fix, for failures that come from Spark, Hadoop or Parquet rather
 * than from the project's own checks (which throw {@code QedException}s with their own message).
 * Anything not recognised here is printed with its stack trace.
 */
final class Failures {
  private static final Pattern SPARK_CONF = Pattern.compile("(spark\\.[\\w.]+) should be (\\w+), but was (.*)");
  private static final Pattern NOT_PARQUET = Pattern.compile("(\\S+) is not a Parquet file|Expected magic number at tail.*in (\\S+)");
  private static final Pattern UNREADABLE = Pattern.compile("Encountered error while reading file (\\S+?)\\.? Details");

  private Failures() {}

  /** What failed and what to do, with the exit code; null when the failure is not a known kind. */
  record Explained(String message, int exitCode) {}

  static Explained explain(Throwable failure) {
    for (Throwable t : causes(failure)) {
      if (t.getClass().getName().equals("org.apache.hadoop.fs.ChecksumException")) { // the most telling cause, wherever it is
        return new Explained("a file changed after it was written (its checksum does not match): " + firstLine(String.valueOf(t.getMessage()))
            + ". Run the step that wrote it again (--force), or restore the file; if you changed it yourself on purpose,"
            + " delete the .crc file beside it", 1);
      }
    }
    for (Throwable t : causes(failure)) {
      String message = String.valueOf(t.getMessage());
      Matcher conf = SPARK_CONF.matcher(message);
      if (conf.find()) {
        return new Explained("the Spark setting " + conf.group(1) + " must be " + article(conf.group(2)) + ", not '" + conf.group(3).strip()
            + "': fix spark.conf." + conf.group(1) + " (--set or the --conf file)", 2);
      }
      Matcher parquet = NOT_PARQUET.matcher(message);
      if (parquet.find()) {
        String file = parquet.group(1) != null ? parquet.group(1) : parquet.group(2);
        return new Explained(file + " is not a Parquet file, or it was cut short: run the step that wrote it again (--force),"
            + " or restore the file", 1);
      }
      Matcher unreadable = UNREADABLE.matcher(message);
      if (unreadable.find()) {
        List<Throwable> chain = causes(t);
        String cause = firstLine(String.valueOf(chain.get(chain.size() - 1).getMessage()));
        boolean corrupted = cause.toLowerCase(java.util.Locale.ROOT).matches(".*(corrupt|decompress|checksum|magic number|invalid|unexpected end).*");
        return new Explained(unreadable.group(1) + " cannot be read (" + cause + ")" + (corrupted
            ? ": it is corrupted; run the step that wrote it again (--force), or restore it. ./qed dataset DIR checks a dataset"
                + " against its manifest"
            : ": check that it is there and that this job may read it"), 1);
      }
      if (message.startsWith("Mkdirs failed to create")) {
        return new Explained("cannot create a folder: " + firstLine(message) + ". Choose another --out, or fix the parent folder's"
            + " permissions", 1);
      }
      if (t instanceof java.nio.file.AccessDeniedException || message.contains("Permission denied")) {
        return new Explained("permission denied: " + firstLine(message) + ". Fix the permissions of that path, or use another one", 1);
      }
      if (t instanceof java.nio.file.NoSuchFileException missing && missing.getFile() != null) {
        return new Explained("no such file or folder: " + missing.getFile() + ". Check the path, and that the folders above it exist", 1);
      }
      if (t instanceof java.nio.file.FileSystemException other) {
        return new Explained(firstLine(String.valueOf(other.getMessage())) + ". Check the path, or use another one", 1);
      }
    }
    return null;
  }

  /** The failure and its causes, outermost first. */
  private static List<Throwable> causes(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  private static String article(String type) {
    return ("aeiou".indexOf(Character.toLowerCase(type.charAt(0))) >= 0 ? "an " : "a ") + type;
  }

  private static String firstLine(String message) {
    return message.lines().findFirst().orElse(message);
  }
}
