package dev.qedspark.jobs;

import dev.qedspark.config.ConfigView;
import dev.qedspark.config.QedConfig;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.jobs.cli.UsageException;
import java.io.PrintStream;
import java.util.List;

/** {@code ./qed config show|keys}. */
final class ConfigCommand implements Command {

  @Override
  public String name() {
    return "config";
  }

  @Override
  public String summary() {
    return "Show the effective configuration, or every key with its default";
  }

  @Override
  public String positionals() {
    return "show|keys";
  }

  @Override
  public String description() {
    return """
        show  prints the configuration a job would run with (defaults, then --conf files in
              order, then --set overrides) as YAML, with secret values masked.
        keys  lists every key with its default and what it does.

        Examples:
          ./qed config show --conf conf/cluster/yarn.yaml --set datasets.shards=64""";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of();
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) {
    List<String> words = args.positionals();
    String action = words.isEmpty() ? "show" : words.get(0);
    if (words.size() > 1 || !(action.equals("show") || action.equals("keys"))) {
      throw new UsageException("config takes 'show' or 'keys', not '" + String.join(" ", words) + "'");
    }
    if (action.equals("show")) {
      out.print(ConfigView.toYaml(config));
    } else {
      for (ConfigView.Key key : ConfigView.keys()) {
        out.printf("%-26s %-20s %s%n", key.path(), key.defaultValue(), key.description());
      }
    }
    return 0;
  }
}
