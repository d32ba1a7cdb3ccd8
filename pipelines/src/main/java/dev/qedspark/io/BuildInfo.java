package dev.qedspark.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of the code that is running, as recorded in every manifest. */
public final class BuildInfo {
  private static final String VERSION = readVersion();

  private BuildInfo() {}

  /** {@code <project version>+<commit>[.dirty]}, or {@code unknown} outside a build. */
  public static String codeVersion() {
    return VERSION;
  }

  private static String readVersion() {
    Properties git = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/dev/qedspark/git.properties")) {
      if (in == null) {
        return "unknown";
      }
      git.load(in);
    } catch (IOException e) {
      return "unknown";
    }
    String version = git.getProperty("git.build.version", "unknown");
    String commit = git.getProperty("git.commit.id.abbrev", "");
    String dirty = "true".equals(git.getProperty("git.dirty")) ? ".dirty" : "";
    return commit.isEmpty() ? version : version + "+" + commit + dirty;
  }
}
