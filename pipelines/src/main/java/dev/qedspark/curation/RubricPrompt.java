package dev.qedspark.curation;

import dev.qedspark.llm.Prompt;
import dev.qedspark.llm.PromptBuilder;
import dev.qedspark.llm.PromptTemplate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/** Asks for a marking scheme of one problem from its statement and reference solution. */
public final class RubricPrompt implements PromptBuilder {
  private static final long serialVersionUID = 1L;
  public static final String NAME = "rubric";
  public static final List<String> PLACEHOLDERS = List.of("problem", "solution");

  private final PromptTemplate template;

  public RubricPrompt(PromptTemplate template) {
    this.template = template;
  }

  @Override
  public Prompt build(Row input) {
    return template.render(Map.of("problem", input.getString(input.fieldIndex("problem")),
        "solution", input.getString(input.fieldIndex("solution"))));
  }
}
