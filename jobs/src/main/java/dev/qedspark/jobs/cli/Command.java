package dev.qedspark.jobs.cli;

import dev.qedspark.config.QedConfig;
import java.io.PrintStream;
import java.util.List;

/** A {@code ./qed} command: its help, its options, and what it runs. */
public interface Command {
  /** The word that selects it, e.g. {@code ingest}. */
  String name();

  /** One line for {@code ./qed --help}. */
  String summary();

  /** The paragraphs shown by {@code ./qed NAME --help} after the usage line. */
  String description();

  /** Options of this command only; {@code --conf}, {@code --set} and {@code --help} are added to all. */
  List<OptionSpec> options();

  /** Placeholder for the positional arguments in the usage line; empty if it takes none. */
  default String positionals() {
    return "";
  }

  /**
   * Settings this command starts from, as {@code key=value}, applied over the defaults in code
   * and under every --conf and --set (e.g. the demo's shorter answers).
   */
  default List<String> configDefaults() {
    return List.of();
  }

  /**
   * Configuration overrides that this command's own options stand for, as {@code key=value}
   * (e.g. {@code --endpoint URL} is {@code llm.endpoint=URL}); applied after every --set.
   */
  default List<String> configOverrides(Arguments args) {
    return List.of();
  }

  /**
   * Runs the command.
   *
   * @param config the effective configuration (defaults, --conf files, --set overrides)
   * @param out where results for the user go; logs go to stderr
   * @return the process exit code
   */
  int run(Arguments args, QedConfig config, PrintStream out) throws Exception;
}
