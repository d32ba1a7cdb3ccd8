package dev.qedspark.example;

import dev.qedspark.llm.AnswerParser;
import dev.qedspark.llm.Completion;
import dev.qedspark.llm.LlmMap;
import dev.qedspark.llm.Prompt;
import dev.qedspark.llm.PromptBuilder;
import dev.qedspark.llm.PromptTemplate;
import dev.qedspark.llm.Role;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The example LLM stage of docs/architecture.md ("How to add a stage"), kept compiling and tested:
 * a role tags each problem with its field. All of it is a prompt builder, an answer parser and
 * a role over the one LLM map; sending, caching, retries, budget, resume, commit, the up-to-date
 * check and printing are the map's and the chain's.
 */
public final class Topics {
  public static final String NAME = "topics";
  public static final List<String> PLACEHOLDERS = List.of("problem");
  static final List<String> FIELDS = List.of("algebra", "combinatorics", "geometry", "number-theory");

  private Topics() {}

  /** The stage: each problem of the dataset at {@code problems}, asked of {@code role} with {@code template}. */
  public static LlmMap of(SparkSession spark, String problems, PromptTemplate template, Role role) {
    return LlmMap.over(spark, problems, rows -> rows.select("problem_id", "problem")).keyedBy("problem_id")
        .prompt(template, new Ask(template)).parser(new Field()).role(role).named(NAME);
  }

  /** One problem to one prompt. */
  record Ask(PromptTemplate template) implements PromptBuilder {
    @Override
    public Prompt build(Row problem) {
      return template.render(Map.of("problem", problem.getAs("problem")));
    }
  }

  /** The answer's last line, when it names a field. */
  static final class Field implements AnswerParser {
    @Override
    public StructType schema() {
      return new StructType().add("topic", DataTypes.StringType);
    }

    @Override
    public Object[] parse(Completion answer, Row input) throws Unreadable {
      String[] lines = answer.proof().strip().split("\n");
      String last = lines[lines.length - 1].strip().toLowerCase(java.util.Locale.ROOT).replaceAll("[.*`]", "");
      if (!FIELDS.contains(last)) {
        throw new Unreadable("the last line names no field of " + FIELDS + ": " + last);
      }
      return new Object[] {last};
    }
  }
}
