package dev.qedspark.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Python interpreter with the modules a test compares against or runs (Jinja2, PyTorch). The
 * test is skipped when none has them, unless {@code QED_REQUIRE_PYTHON=1} (as in CI, which
 * installs Debian's python3-jinja2 and python3-torch): then it fails.
 */
public final class Python {
  private static final List<String> CANDIDATES = List.of("python3", "/usr/bin/python3");

  private Python() {}

  /** The first interpreter that imports every module; skips or fails the test when there is none. */
  public static String with(String... modules) {
    String imports = "import " + String.join(", ", modules);
    for (String candidate : CANDIDATES) {
      try {
        Process p = new ProcessBuilder(candidate, "-c", imports).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
      } catch (Exception notThere) {
        // try the next one
      }
    }
    String missing = "no Python among " + CANDIDATES + " imports " + List.of(modules) + " (apt-get install python3-jinja2 python3-torch)";
    assertFalse("1".equals(System.getenv("QED_REQUIRE_PYTHON")), "QED_REQUIRE_PYTHON=1 but " + missing);
    assumeTrue(false, missing);
    return null;
  }
}
