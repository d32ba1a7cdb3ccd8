package dev.qedspark.llm;

import dev.qedspark.stage.Stage;
import dev.qedspark.stage.StageResult;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The shape of a stage that asks a role about the rows of one dataset: its input, its own
 * settings, its prompt template and its role, and the LLM maps it builds from them. A subclass
 * says what it asks ({@link #ask}) and what it makes of the answers; the wiring of roles,
 * templates, caches and datasets settings is here once.
 *
 * @param <T> the stage's own settings record ({@code filter.*}, {@code rubrics.*}, ...)
 */
public abstract class LlmStage<S extends LlmStage<S, R, T>, R extends StageResult, T> extends Stage<S, R> {
  /** The dataset whose rows are asked about. */
  protected final String input;
  protected T settings;
  /** The prompt template the stage's main question is asked with. */
  protected PromptTemplate template;
  /** Who answers. */
  protected Role role;

  protected LlmStage(SparkSession spark, String input, T defaults) {
    super(spark);
    this.input = Objects.requireNonNull(input);
    this.settings = defaults;
  }

  /** The stage's settings and the template of its prompt (bundled, or {@code prompts.NAME}). */
  public S settings(T settings, PromptTemplate template) {
    this.settings = Objects.requireNonNull(settings);
    this.template = Objects.requireNonNull(template);
    return self();
  }

  /** Who answers: the role's settings, endpoint and response cache. */
  public S role(Role role) {
    this.role = Objects.requireNonNull(role);
    return self();
  }

  @Override
  protected List<String> inputs() {
    return List.of(input);
  }

  @Override
  protected Map<String, String> prompts() {
    return Map.of(template.name(), template.sha256());
  }

  /**
   * An LLM map over {@code rows} with {@code template} rendered by {@code builder}, answered by
   * this stage's role, named {@code name}, with this stage's datasets settings.
   */
  protected LlmMap ask(Dataset<Row> rows, PromptTemplate template, PromptBuilder builder, String name) {
    return LlmMap.over(rows).prompt(template, builder).role(role).named(name).datasets(datasets);
  }

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }
}
