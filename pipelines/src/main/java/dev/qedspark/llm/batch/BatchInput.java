package dev.qedspark.llm.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qedspark.llm.ChatMessage;
import dev.qedspark.llm.LlmException;
import dev.qedspark.spark.SparkJobs;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Reads the OpenAI Batch API input format (also vLLM's {@code run_batch}): one JSON object a line,
 * {@code {"custom_id": ..., "method": "POST", "url": "/v1/chat/completions", "body": {...}}}.
 *
 * <p>Like the Batch API, the file is checked whole before anything is sent: a line that is not
 * JSON, lacks a custom_id or a messages array, names another endpoint, or repeats a custom_id
 * stops the run with the first problems listed by line, so no money is spent on a broken file.
 * The body's {@code model} is replaced by the run's model; its other fields are sent as given
 * ({@code n} above 1 gives one output row per choice).
 */
public final class BatchInput {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PROBLEMS_SHOWN = 10;

  private BatchInput() {}

  /** One parsed line: the request, or what is wrong with it. */
  record Line(long number, BatchRequest request, String problem) implements Serializable {}

  /** The requests of a batch file as rows with the {@link BatchRequest} schema. */
  public static Dataset<Row> read(SparkSession spark, String path) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Line> lines = jsc.textFile(path).zipWithIndex()
        .filter(t -> !t._1().isBlank())
        .map(t -> parse(t._2() + 1, t._1()));
    List<String> problems = new ArrayList<>(SparkJobs.named(spark, "infer: check the lines of " + path,
        () -> lines.filter(l -> l.problem() != null).map(l -> "line " + l.number() + ": " + l.problem()).take(PROBLEMS_SHOWN)));
    JavaRDD<BatchRequest> requests = lines.filter(l -> l.problem() == null).map(Line::request);
    SparkJobs.named(spark, "infer: check that the custom_ids of " + path + " are unique",
        () -> requests.mapToPair(r -> new Tuple2<>(r.requestId(), 1)).reduceByKey(Integer::sum).filter(t -> t._2() > 1)
            .take(PROBLEMS_SHOWN)).forEach(t -> problems.add("custom_id '" + t._1() + "' is used " + t._2() + " times; each must be unique"));
    if (!problems.isEmpty()) {
      throw new LlmException("the batch file " + path + " has problems, so nothing was sent:\n  " + String.join("\n  ", problems));
    }
    return spark.createDataFrame(requests.map(BatchRequest.SCHEMA::toRow), BatchRequest.SCHEMA.schema());
  }

  private static final com.fasterxml.jackson.databind.ObjectReader ONE_VALUE =
      JSON.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  static Line parse(long number, String text) {
    JsonNode line;
    try {
      // One JSON value per line: a second object on the same line is an error, not silently dropped.
      line = ONE_VALUE.readTree(text);
    } catch (Exception e) {
      return new Line(number, null, "not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    String customId = line.path("custom_id").asText("");
    if (customId.isEmpty()) {
      return new Line(number, null, "no custom_id");
    }
    String url = line.path("url").asText("/v1/chat/completions");
    if (!url.equals("/v1/chat/completions")) {
      return new Line(number, null, "url '" + url + "' is not supported; only /v1/chat/completions");
    }
    if (!line.path("method").asText("POST").equalsIgnoreCase("POST")) {
      return new Line(number, null, "method must be POST");
    }
    JsonNode body = line.path("body");
    if (!body.path("messages").isArray() || body.path("messages").isEmpty()) {
      return new Line(number, null, "body has no messages");
    }
    List<ChatMessage> messages = new ArrayList<>();
    int index = 0;
    for (JsonNode m : body.path("messages")) {
      JsonNode content = m.path("content");
      if (m.has("tool_calls") || m.has("tool_call_id") || "tool".equals(m.path("role").asText())) {
        return new Line(number, null, "message " + index + " is a tool call or result; tool calls are not supported here");
      }
      if (!content.isTextual() && !content.isArray()) {
        return new Line(number, null, "message " + index + " has " + (content.isMissingNode() ? "no content"
            : "content of type " + content.getNodeType().toString().toLowerCase()) + "; content must be text or a list of parts");
      }
      messages.add(new ChatMessage(m.path("role").asText("user"), contentText(content)));
      index++;
    }
    ObjectNode rest = ((ObjectNode) body).deepCopy();
    rest.remove("messages");
    rest.remove("model");
    return new Line(number, new BatchRequest(customId, messages, rest.isEmpty() ? null : rest.toString()), null);
  }

  /** Text content, or the text parts of a content array joined. */
  private static String contentText(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode part : content) {
      if (part.path("type").asText().equals("text")) {
        text.append(text.length() > 0 ? "\n" : "").append(part.path("text").asText());
      }
    }
    return text.toString();
  }
}
