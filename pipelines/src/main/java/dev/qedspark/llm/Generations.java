package dev.qedspark.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qedspark.common.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns {@link Answer}s into the output rows of an {@link LlmMap}: one row per choice, with the
 * input columns, {@code sample_index}, the {@link Generation} columns, {@code prompt_sha256} (the
 * template the request was built from) and, with a parser, the parsed columns and
 * {@code parse_error}.
 */
final class Generations {
  static final String SAMPLE_INDEX = "sample_index";
  static final String PARSE_ERROR = "parse_error";
  static final String PROMPT_SHA256 = "prompt_sha256";

  private Generations() {}

  /** The output schema; fails when an input column has the name of an output column. */
  static StructType schema(StructType input, AnswerParser parser) {
    StructType out = input;
    List<StructField> added = new ArrayList<>(List.of(DataTypes.createStructField(SAMPLE_INDEX, DataTypes.IntegerType, false)));
    added.addAll(List.of(Generation.SCHEMA.schema().fields()));
    added.add(DataTypes.createStructField(PROMPT_SHA256, DataTypes.StringType, true));
    if (parser != null) {
      added.addAll(List.of(parser.schema().fields()));
      added.add(DataTypes.createStructField(PARSE_ERROR, DataTypes.StringType, true));
    }
    for (StructField field : added) {
      if (List.of(out.fieldNames()).contains(field.name())) {
        throw new IllegalArgumentException("input column '" + field.name() + "' has the name of an output column of the"
            + " LLM map; rename or drop it before the stage");
      }
      out = out.add(field);
    }
    return out;
  }

  static List<Row> rows(Answer answer, String model, Map<String, Price> prices, AnswerParser parser, String promptSha256)
      throws AnswerParserBug {
    PreparedRequest request = answer.request();
    List<Row> rows = new ArrayList<>(request.choices());
    JsonNode response = null;
    if (answer.response() != null) {
      try {
        response = RequestBodies.JSON.readTree(answer.response());
      } catch (IOException e) {
        answer = Answer.failed(request, Status.ERROR.id(), "unreadable cached response: " + e.getMessage(), answer.attempts());
      }
    }
    Usage usage = response == null ? Usage.NONE : Usage.of(response, model, prices);
    for (int c = 0; c < request.choices(); c++) {
      Generation generation;
      Completion completion = null;
      if (response == null) {
        generation = Generation.failed(model, answer.status(), answer.error(), answer.attempts(), request.cacheKey());
      } else if (!response.path("choices").has(c)) {
        generation = Generation.failed(usage.model(), Status.ERROR.id(), "the server returned " + response.path("choices").size()
            + " of " + request.choices() + " choices", answer.attempts(), request.cacheKey());
      } else {
        completion = Completion.of(response, c);
        boolean first = c == 0;
        generation = new Generation(usage.model(), completion.content(), completion.reasoning(), completion.proof(),
            completion.finishReason(), first ? usage.promptTokens() : 0, first ? usage.completionTokens() : 0,
            answer.latencyMs(), first ? usage.cost() : 0,
            "length".equals(completion.finishReason()) ? Status.TRUNCATED.id() : Status.OK.id(),
            null, answer.attempts(), answer.cached(), request.cacheKey(), answer.response());
      }
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < request.input().length(); i++) {
        values.add(request.input().get(i));
      }
      values.add(request.requestIndex() * request.choices() + c);
      Row generationRow = Generation.SCHEMA.toRow(generation);
      for (int i = 0; i < generationRow.length(); i++) {
        values.add(generationRow.get(i));
      }
      values.add(promptSha256);
      if (parser != null) {
        addParsed(values, parser, completion, request.input());
      }
      rows.add(RowFactory.create(values.toArray()));
    }
    return rows;
  }

  private static void addParsed(List<Object> values, AnswerParser parser, Completion completion, Row input) throws AnswerParserBug {
    int width = parser.schema().length();
    if (completion == null) {
      values.addAll(java.util.Collections.nCopies(width, null));
      values.add(null);
      return;
    }
    try {
      Object[] parsed = parser.parse(completion, input);
      if (parsed.length != width) {
        throw new AnswerParserBug("the parser returned " + parsed.length + " values for " + width + " columns");
      }
      for (Object value : parsed) {
        values.add(toSpark(value));
      }
      values.add(null);
    } catch (AnswerParser.Unreadable e) {
      values.addAll(java.util.Collections.nCopies(width, null));
      values.add(e.getMessage());
    }
  }

  /** Java lists (a parser's natural output for array columns) as the Scala sequences Spark's rows hold. */
  private static Object toSpark(Object value) {
    if (value instanceof List<?> list) {
      return scala.collection.JavaConverters.asScalaBuffer(list.stream().map(Generations::toSpark).toList()).toList();
    }
    return value;
  }

  /** A parser that broke its contract: the task fails rather than writing wrong rows. */
  static final class AnswerParserBug extends Exception {
    private static final long serialVersionUID = 1L;

    AnswerParserBug(String message) {
      super(message);
    }
  }
}
