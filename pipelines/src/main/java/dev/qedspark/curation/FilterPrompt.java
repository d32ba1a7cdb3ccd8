package dev.qedspark.curation;

import dev.qedspark.llm.Prompt;
import dev.qedspark.llm.PromptBuilder;
import dev.qedspark.llm.PromptTemplate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/** Asks for one problem's tags, showing its solution and answer when it has them. */
public final class FilterPrompt implements PromptBuilder {
  private static final long serialVersionUID = 1L;
  public static final String NAME = "filter";
  public static final List<String> PLACEHOLDERS = List.of("problem", "solution", "answer");

  private final PromptTemplate template;

  public FilterPrompt(PromptTemplate template) {
    this.template = template;
  }

  @Override
  public Prompt build(Row input) {
    return template.render(Map.of("problem", text(input, "problem"), "solution", text(input, "solution"), "answer", text(input, "answer")));
  }

  private static String text(Row row, String column) {
    int i = row.fieldIndex(column);
    return row.isNullAt(i) ? "" : row.getString(i);
  }
}
