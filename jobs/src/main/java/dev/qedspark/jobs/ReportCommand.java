package dev.qedspark.jobs;

import dev.qedspark.config.QedConfig;
import dev.qedspark.eval.Comparison;
import dev.qedspark.jobs.cli.Arguments;
import dev.qedspark.jobs.cli.Command;
import dev.qedspark.jobs.cli.OptionSpec;
import dev.qedspark.jobs.cli.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code ./qed report --compare OUT1 OUT2 ...}: evaluations side by side, with their intervals. */
final class ReportCommand implements Command {

  @Override
  public String name() {
    return "report";
  }

  @Override
  public String summary() {
    return "Put evaluations side by side: mean scores with their intervals, overall and per split";
  }

  @Override
  public String description() {
    return """
        Reads OUT/summary.json of each ./qed eval folder given, prints a table (mean score %
        of the maximum with its bootstrap interval, overall and per split) and writes the same
        as one self-contained HTML page. Where two intervals overlap, the difference between
        the two evaluations may be noise: the page says so, and so does this command. It also
        lists every setting in which the runs' setups differ (model, revision, sampling,
        judges, scaffold, answer extraction, ...), so that unlike runs are not compared unawares.

        Example:
          ./qed report --compare runs/eval-base runs/eval-sft --out runs/compare.html""";
  }

  @Override
  public String positionals() {
    return "OUT...";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.flag("compare", "compare the evaluation folders given as arguments"),
        OptionSpec.value("out", "FILE", "where to write the HTML page (default: comparison.html)"));
  }

  @Override
  public int run(Arguments args, QedConfig config, PrintStream out) throws IOException {
    if (!args.has("compare") || args.positionals().size() < 2) {
      throw new UsageException("give --compare and two or more evaluation folders (the --out folders of ./qed eval)");
    }
    Comparison comparison = Comparison.of(args.positionals());
    Map<String, List<String>> table = comparison.table();
    out.printf("%-28s", "set");
    comparison.entries().forEach(e -> out.printf(" %24s", e.folder().length() > 24 ? "..." + e.folder().substring(e.folder().length() - 21) : e.folder()));
    out.println();
    table.forEach((set, cells) -> {
      out.printf("%-28s", set);
      cells.forEach(c -> out.printf(" %24s", c));
      out.println();
    });
    comparison.verdicts().forEach(out::println);
    Path page = Path.of(args.value("out", "comparison.html"));
    if (page.getParent() != null) {
      Files.createDirectories(page.getParent());
    }
    Files.writeString(page, comparison.html());
    out.println("page: " + page);
    return 0;
  }
}
