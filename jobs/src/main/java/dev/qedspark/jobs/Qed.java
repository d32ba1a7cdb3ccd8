package dev.qedspark.jobs;

import dev.qedspark.common.ConfigException;
import dev.qedspark.common.QedException;
import dev.qedspark.common.Suggestions;
import dev.qedspark.config.ConfigLoader;
import dev.qedspark.config.QedConfig;
import dev.qedspark.io.BuildInfo;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.jobs.cli.UsageException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code qed} command line: {@code ./qed COMMAND [OPTIONS]} locally, or
 * {@code spark-submit --class dev.qedspark.jobs.Qed qed-spark.jar COMMAND [OPTIONS]} on a cluster.
 * Exit codes: 0 done, 1 the job failed, 2 the command line or configuration is wrong.
 */
public final class Qed {
  static final List<OptionSpec> COMMON_OPTIONS = List.of(
      OptionSpec.repeated("conf", "FILE", "YAML configuration file, applied in order over the defaults"),
      OptionSpec.repeated("set", "KEY=VALUE", "override one key, e.g. --set datasets.shards=8 (wins over --conf)"),
      OptionSpec.flag("help", "show this help"));

  private static final Map<String, Command> COMMANDS = commands(
      new IngestJob(), new CurateJob(), new InferJob(), new FilterJob(), new RubricsJob(), new GenerateJob(), new GradeJob(), new SftJob(), new RlJob(), new DatasetsJob(), new ShardsJob(), new TrainJob(), new EvalJob(), new CheckAnswerCommand(), new ReportCommand(), new PublishCommand(), new CalibrateJob(), new ServeCommand(), new DemoJob(), new BenchJob(), new ConfigCommand(), new DatasetCommand());

  private Qed() {}

  /** Every command, in the order {@code ./qed --help} lists them. */
  static java.util.Collection<Command> commands() {
    return COMMANDS.values();
  }

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    System.out.flush();
    System.exit(code);
  }

  /** Runs a command line and returns the exit code, without exiting the JVM. */
  public static int run(String[] argv, PrintStream out, PrintStream err) {
    List<String> args = Arrays.asList(argv);
    if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
      if (args.size() > 1 && COMMANDS.containsKey(args.get(1))) {
        out.print(commandHelp(COMMANDS.get(args.get(1))));
      } else {
        out.print(help());
      }
      return args.isEmpty() ? 2 : 0;
    }
    if (args.get(0).equals("--version")) {
      out.println("qed-spark " + BuildInfo.codeVersion());
      return 0;
    }
    Command command = COMMANDS.get(args.get(0));
    try {
      if (command == null) {
        String guess = Suggestions.closest(args.get(0), COMMANDS.keySet()).map(s -> "; did you mean '" + s + "'?").orElse("");
        throw new UsageException("unknown command '" + args.get(0) + "'" + guess + " (see ./qed --help)");
      }
      if (args.contains("--help")) {
        out.print(commandHelp(command));
        return 0;
      }
      List<OptionSpec> options = new ArrayList<>(command.options());
      options.addAll(COMMON_OPTIONS);
      Arguments parsed = Arguments.parse(command.name(), options, args.subList(1, args.size()));
      List<String> overrides = new ArrayList<>(parsed.values("set"));
      overrides.addAll(command.configOverrides(parsed));
      QedConfig config = ConfigLoader.load(command.configDefaults(), parsed.values("conf").stream().map(Path::of).toList(), overrides);
      return command.run(parsed, config, out);
    } catch (UsageException | ConfigException e) {
      err.println("qed: " + e.getMessage());
      return 2;
    } catch (QedException e) {
      err.println("qed: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      Failures.Explained known = Failures.explain(e);
      if (known != null && !"1".equals(System.getenv("QED_DEBUG"))) {
        err.println("qed: " + (command == null ? "" : command.name() + " failed: ") + known.message() + " (QED_DEBUG=1 shows the stack trace)");
        return known.exitCode();
      }
      err.println("qed: " + (command == null ? "" : command.name() + " failed: ") + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  static String help() {
    StringBuilder text = new StringBuilder();
    text.append("qed-spark: curate proof datasets, run LLM inference and grade it, as Spark jobs.\n\n");
    text.append("Usage: ./qed COMMAND [OPTIONS]\n");
    text.append("       spark-submit --class ").append(Qed.class.getName()).append(" jobs/target/qed-spark.jar COMMAND [OPTIONS]\n\n");
    text.append("Commands:\n");
    int width = COMMANDS.keySet().stream().mapToInt(String::length).max().orElse(8);
    COMMANDS.values().forEach(c -> text.append(String.format("  %-" + width + "s  %s%n", c.name(), c.summary())));
    text.append("\nOptions of every command:\n");
    COMMON_OPTIONS.forEach(o -> text.append(optionLine(o)));
    text.append("\n./qed COMMAND --help explains a command. ./qed --version prints the version.\n");
    return text.toString();
  }

  static String commandHelp(Command command) {
    StringBuilder text = new StringBuilder("Usage: ./qed ").append(command.name());
    if (!command.positionals().isEmpty()) {
      text.append(' ').append(command.positionals());
    }
    command.options().forEach(o -> text.append(' ').append(synopsis(o)));
    text.append(" [--conf FILE]... [--set KEY=VALUE]...\n\n");
    text.append(command.summary()).append(".\n\n").append(command.description().strip()).append("\n");
    if (!command.options().isEmpty()) {
      text.append("\nOptions:\n");
      command.options().forEach(o -> text.append(optionLine(o)));
    }
    text.append("\nOptions of every command:\n");
    COMMON_OPTIONS.forEach(o -> text.append(optionLine(o)));
    return text.toString();
  }

  private static String synopsis(OptionSpec o) {
    String text = "--" + o.name() + (o.isFlag() ? "" : " " + o.argument()) + (o.repeatable() ? "..." : "");
    return o.required() ? text : "[" + text + "]";
  }

  private static String optionLine(OptionSpec o) {
    String left = "--" + o.name() + (o.isFlag() ? "" : " " + o.argument());
    return String.format("  %-22s %s%s%n", left, o.help(), o.repeatable() ? " (repeatable)" : "");
  }

  private static Map<String, Command> commands(Command... commands) {
    Map<String, Command> map = new LinkedHashMap<>();
    for (Command c : commands) {
      map.put(c.name(), c);
    }
    return map;
  }
}
