package dev.qedspark.proofs;

import dev.qedspark.llm.Prompt;
import dev.qedspark.llm.PromptBuilder;
import dev.qedspark.llm.PromptTemplate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/** Asks a model to prove one problem: the {@code proof} template with the row's {@code problem}. */
public final class ProofPrompt implements PromptBuilder {
  private static final long serialVersionUID = 1L;
  /** The template's name (resource {@code dev/qedspark/prompts/proof.md}, or {@code prompts.proof}). */
  public static final String NAME = "proof";
  public static final List<String> PLACEHOLDERS = List.of("problem");

  private final PromptTemplate template;

  public ProofPrompt(PromptTemplate template) {
    this.template = template;
  }

  public PromptTemplate template() {
    return template;
  }

  @Override
  public Prompt build(Row input) {
    int i = input.fieldIndex("problem");
    if (input.isNullAt(i) || input.getString(i).isBlank()) {
      throw new IllegalArgumentException("the row has no problem text");
    }
    return template.render(Map.of("problem", input.getString(i)));
  }
}
