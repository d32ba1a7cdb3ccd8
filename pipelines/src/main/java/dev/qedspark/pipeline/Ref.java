package dev.qedspark.pipeline;

import java.util.Objects;

/**
 * Where a step's input comes from: an output of another step of the same chain (a dataset or a
 * file in that step's folder), that step's whole folder, or a path from outside the chain. The
 * chain resolves references to paths, so a step never joins folder names itself, and checks them
 * before any step runs.
 *
 * @param step the producing step's name; null for a path from outside the chain
 * @param output the output's name in the step's folder; null for the whole folder
 * @param path the outside path; null for a step's output or folder
 */
public record Ref(String step, String output, String path) {
  public Ref {
    if ((step == null) == (path == null)) {
      throw new IllegalArgumentException("a reference names either a step or an outside path");
    }
  }

  /** The output {@code output} (a dataset or a file) of step {@code step}. */
  public static Ref output(String step, String output) {
    return new Ref(Objects.requireNonNull(step), Objects.requireNonNull(output), null);
  }

  /** The whole folder of step {@code step}, for stages that read several of its outputs. */
  public static Ref folder(String step) {
    return new Ref(Objects.requireNonNull(step), null, null);
  }

  /** A dataset or file from outside the chain: it must exist before the chain runs. */
  public static Ref path(String path) {
    return new Ref(null, null, Objects.requireNonNull(path));
  }

  /** Whether this is a path from outside the chain. */
  public boolean outside() {
    return path != null;
  }

  @Override
  public String toString() {
    return outside() ? path : output == null ? "the folder of step " + step : step + "'s " + output;
  }
}
