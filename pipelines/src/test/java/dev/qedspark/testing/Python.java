package dev.qedspark.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Python interpreter with the modules a test compares against or runs (Jinja2, PyTorch,
 * Transformers, Hugging Face datasets, TRL): {@code QED_PYTHON} when set (CI points it at the
 * environment {@code docker/trainer/cpu-venv} makes), else {@code python3}. The test is skipped
 * when none has them, unless {@code QED_REQUIRE_PYTHON=1} (as in CI): then it fails.
 */
public final class Python {
  private static final List<String> CANDIDATES = System.getenv("QED_PYTHON") != null
      ? List.of(System.getenv("QED_PYTHON"), "python3", "/usr/bin/python3") : List.of("python3", "/usr/bin/python3");

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
    String missing = "no Python among " + CANDIDATES + " imports " + List.of(modules) + " (docker/trainer/cpu-venv DIR, then QED_PYTHON=DIR/bin/python)";
    assertFalse("1".equals(System.getenv("QED_REQUIRE_PYTHON")), "QED_REQUIRE_PYTHON=1 but " + missing);
    assumeTrue(false, missing);
    return null;
  }
}
