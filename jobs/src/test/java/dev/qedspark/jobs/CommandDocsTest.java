package dev.qedspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The command reference (docs/commands.md) against the commands' own help: every command has its
 * section, and every option of a command is named in that section, so a new command or option
 * cannot land without its documentation, and a removed one cannot stay documented.
 */
class CommandDocsTest {
  private static final Path DOCS = Path.of("..", "docs", "commands.md");

  /** The text of each level-2 section of the reference, by its heading. */
  private static List<String[]> sections() throws IOException {
    List<String[]> sections = new ArrayList<>();
    String[] current = null;
    StringBuilder text = new StringBuilder();
    for (String line : Files.readAllLines(DOCS)) {
      if (line.startsWith("## ")) {
        if (current != null) {
          current[1] = text.toString();
        }
        current = new String[] {line.substring(3), ""};
        sections.add(current);
        text.setLength(0);
      }
      text.append(line).append('\n');
    }
    if (current != null) {
      current[1] = text.toString();
    }
    return sections;
  }

  @Test
  void everyCommandAndEachOfItsOptionsIsDescribedInTheReference() throws IOException {
    String all = Files.readString(DOCS);
    List<String[]> sections = sections();
    List<String> missing = new ArrayList<>();
    for (Command command : Qed.commands()) {
      // The section whose heading starts with the command's name, else the first that names it ("shards and train").
      String section = sections.stream().filter(s -> s[0].split("[ :,]")[0].equals(command.name())).map(s -> s[1]).findFirst()
          .orElse(sections.stream().filter(s -> Pattern.compile("\\b" + Pattern.quote(command.name()) + "\\b").matcher(s[0]).find())
              .map(s -> s[1]).findFirst().orElse(null));
      if (section == null && !all.contains("`./qed " + command.name())) {
        missing.add(command.name() + ": no section and no `./qed " + command.name() + "` anywhere");
        continue;
      }
      // What the introduction (before the first section) says holds for every command.
      String where = (section != null ? section : all) + all.substring(0, all.indexOf("\n## "));
      for (OptionSpec option : command.options()) {
        Matcher named = Pattern.compile("--" + Pattern.quote(option.name()) + "\\b").matcher(where);
        if (!named.find()) {
          missing.add(command.name() + " --" + option.name() + (section != null ? " (not in its section)" : ""));
        }
      }
    }
    assertEquals(List.of(), missing, "commands or options that docs/commands.md does not describe");
  }
}
