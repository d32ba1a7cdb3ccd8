package dev.qedspark.jobs.cli;

import dev.qedspark.common.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A command's parsed arguments: option values by name, and the positional arguments. */
public final class Arguments {
  private final Map<String, List<String>> values;
  private final List<String> positionals;

  private Arguments(Map<String, List<String>> values, List<String> positionals) {
    this.values = values;
    this.positionals = positionals;
  }

  /**
   * Parses {@code --name value}, {@code --name=value} and flags against the command's options.
   * {@code --} ends the options.
   */
  public static Arguments parse(String command, List<OptionSpec> options, List<String> args) {
    Map<String, OptionSpec> byName = options.stream()
        .collect(Collectors.toMap(OptionSpec::name, o -> o, (a, b) -> a, LinkedHashMap::new));
    Map<String, List<String>> values = new LinkedHashMap<>();
    List<String> positionals = new ArrayList<>();
    boolean optionsEnded = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (optionsEnded || !arg.startsWith("--") || arg.equals("-")) {
        positionals.add(arg);
        continue;
      }
      if (arg.equals("--")) {
        optionsEnded = true;
        continue;
      }
      String name = arg.substring(2);
      String inline = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        inline = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      OptionSpec spec = byName.get(name);
      if (spec == null) {
        String guess = Suggestions.closest(name, byName.keySet()).map(s -> "; did you mean --" + s + "?").orElse("");
        throw new UsageException("unknown option --" + name + " for '" + command + "'" + guess
            + " (see ./qed " + command + " --help)");
      }
      String value;
      if (spec.isFlag()) {
        if (inline != null) {
          throw new UsageException("--" + name + " is a flag and takes no value");
        }
        value = "true";
      } else if (inline != null) {
        value = inline;
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new UsageException("--" + name + " needs a value: --" + name + " " + spec.argument());
      }
      List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
      if (!list.isEmpty() && !spec.repeatable()) {
        throw new UsageException("--" + name + " was given more than once");
      }
      list.add(value);
    }
    for (OptionSpec spec : options) {
      if (spec.required() && !values.containsKey(spec.name())) {
        throw new UsageException("'" + command + "' needs --" + spec.name() + " " + spec.argument()
            + " (see ./qed " + command + " --help)");
      }
    }
    return new Arguments(values, positionals);
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  public String value(String name) {
    List<String> list = values.get(name);
    return list == null ? null : list.get(0);
  }

  /** The value of {@code --option} as a whole number of at least 1, else {@code fallback} when absent. */
  public static int positive(Arguments args, String option, int fallback) {
    try {
      int value = Integer.parseInt(args.value(option, String.valueOf(fallback)));
      if (value < 1) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + option + " needs a positive whole number, not '" + args.value(option) + "'");
    }
  }

  public String value(String name, String fallback) {
    String value = value(name);
    return value == null ? fallback : value;
  }

  public List<String> values(String name) {
    return values.getOrDefault(name, List.of());
  }

  public List<String> positionals() {
    return positionals;
  }

  /** The {@code key=value} options of {@code name} as a map, e.g. {@code --map problem=statement}. */
  public Map<String, String> pairs(String name) {
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String pair : values(name)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new UsageException("--" + name + " expects key=value, got '" + pair + "'");
      }
      pairs.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return pairs;
  }
}
