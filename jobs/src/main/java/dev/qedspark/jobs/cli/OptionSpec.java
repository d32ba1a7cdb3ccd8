package dev.qedspark.jobs.cli;

/**
 * One {@code --name} option of a command.
 *
 * @param name the name without dashes
 * @param argument the placeholder of its value, e.g. {@code DIR}; null for a flag
 * @param repeatable whether it may be given more than once
 * @param required whether the command needs it
 * @param help one line on what it does
 */
public record OptionSpec(String name, String argument, boolean repeatable, boolean required, String help) {

  public static OptionSpec flag(String name, String help) {
    return new OptionSpec(name, null, false, false, help);
  }

  public static OptionSpec value(String name, String argument, String help) {
    return new OptionSpec(name, argument, false, false, help);
  }

  public static OptionSpec required(String name, String argument, String help) {
    return new OptionSpec(name, argument, false, true, help);
  }

  public static OptionSpec repeated(String name, String argument, String help) {
    return new OptionSpec(name, argument, true, false, help);
  }

  public boolean isFlag() {
    return argument == null;
  }
}
