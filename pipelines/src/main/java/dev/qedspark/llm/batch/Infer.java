package dev.qedspark.llm.batch;

import dev.qedspark.common.Hashes;
import dev.qedspark.io.Run;
import dev.qedspark.llm.ChatMessage;
import dev.qedspark.llm.GenerationReport;
import dev.qedspark.llm.LlmCalls;
import dev.qedspark.llm.LlmException;
import dev.qedspark.llm.LlmMap;
import dev.qedspark.llm.Prompt;
import dev.qedspark.llm.PromptBuilder;
import dev.qedspark.llm.Role;
import dev.qedspark.stage.Stage;
import dev.qedspark.stage.StageResult;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * An OpenAI Batch API input file through an {@link LlmMap}: writes {@code results} (one row per
 * custom_id and choice, with the generation columns) and {@code output.jsonl} in the Batch API
 * output format, both committed together.
 */
public final class Infer extends Stage<Infer, Infer.Result> {
  public static final String RESULTS = "results";
  public static final String OUTPUT = "output.jsonl";
  /** The messages come from the file, so the "template" is the identity: versioned by name. */
  private static final String PROMPT_HASH = Hashes.sha256("batch-file messages, as given");

  private final String file;
  private final LlmMap map;

  private Infer(SparkSession spark, String file) {
    super(spark);
    this.file = file;
    this.map = LlmMap.over(BatchInput.read(spark, file)).keyedBy("request_id")
        .prompt("batch-file", PROMPT_HASH, new FilePrompt());
  }

  public static Infer of(SparkSession spark, String file) {
    return new Infer(spark, file);
  }

  /** Who answers. */
  public Infer role(Role role) {
    map.role(role);
    return this;
  }

  /**
   * What an infer run did.
   *
   * @param answers the requests, cache hits, tokens and cost
   * @param output the {@code output.jsonl} file in the Batch API's output format
   */
  public record Result(GenerationReport answers, String output) implements StageResult, LlmCalls {
    @Override
    public void print(PrintStream out) {
      answers.print(out);
      out.println("  output.jsonl: " + output);
    }

    @Override
    public Map<String, GenerationReport> llmCalls() {
      return answers.llmCalls();
    }
  }

  @Override
  public String name() {
    return "infer";
  }

  @Override
  public List<String> outputs() {
    return List.of(RESULTS, OUTPUT);
  }

  @Override
  protected List<String> inputs() {
    return List.of(file);
  }

  @Override
  protected Object settings() {
    return map.answerSettings();
  }

  @Override
  protected boolean isComplete(Result result) {
    return !result.answers().leftWorkUndone();
  }

  @Override
  protected Result run(Run run) {
    map.named(step()).datasets(datasets);
    GenerationReport report = map.writeTo(run, RESULTS);
    try {
      BatchOutput.write(spark, read(run.path(RESULTS)), run.path(OUTPUT));
    } catch (IOException e) {
      throw new LlmException("cannot write " + OUTPUT + ": " + e.getMessage(), e);
    }
    return new Result(report, run.finalPath(OUTPUT));
  }

  /** The line's own messages and body. */
  private static final class FilePrompt implements PromptBuilder {
    private static final long serialVersionUID = 1L;

    @Override
    public Prompt build(Row input) {
      List<ChatMessage> messages = new ArrayList<>();
      for (Row m : input.<Row>getList(input.fieldIndex("messages"))) {
        messages.add(new ChatMessage(m.getString(0), m.getString(1)));
      }
      return new Prompt(messages, input.getString(input.fieldIndex("body")));
    }
  }
}
