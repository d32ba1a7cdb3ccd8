package dev.qedspark.curation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qedspark.llm.AnswerParser;
import dev.qedspark.llm.Completion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a marking scheme written by a model into typed columns and checks it: every solution
 * chain's checkpoints are whole positive points summing to exactly 7, with key ideas carrying at
 * least 4 of them; deductions take 1-7 points; caps allow 0-6. A scheme that breaks a rule is
 * {@link Unreadable} with the rule, so the stage can ask again. The scheme is also rendered as
 * text, the form judges are shown.
 */
public final class RubricParser implements AnswerParser {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();
  static final StructType CHECKPOINT = new StructType().add("chain", DataTypes.StringType).add("description", DataTypes.StringType)
      .add("points", DataTypes.IntegerType).add("key_idea", DataTypes.BooleanType);
  static final StructType DEDUCTION = new StructType().add("description", DataTypes.StringType).add("points", DataTypes.IntegerType);
  static final StructType CAP = new StructType().add("description", DataTypes.StringType).add("max_points", DataTypes.IntegerType);

  /** What a dry run takes as a scheme it does not ask for: one that passes every rule. */
  static final String STAND_IN = "{\"checkpoints\": [{\"chain\": \"A\", \"description\": \"not asked: dry run\", \"points\": 7,"
      + " \"key_idea\": true}]}";

  @Override
  public StructType schema() {
    return new StructType()
        .add("checkpoints", new ArrayType(CHECKPOINT, false))
        .add("zero_credit", new ArrayType(DataTypes.StringType, false))
        .add("deductions", new ArrayType(DEDUCTION, false))
        .add("caps", new ArrayType(CAP, false))
        .add("rubric_text", DataTypes.StringType);
  }

  @Override
  public Object[] parse(Completion answer, Row input) throws Unreadable {
    JsonNode scheme = JsonAnswer.object(answer.proof());
    List<Row> checkpoints = new ArrayList<>();
    Map<String, int[]> chains = new TreeMap<>();
    for (JsonNode c : array(scheme, "checkpoints")) {
      String chain = c.path("chain").asText("A").strip();
      String description = text(c, "description", "a checkpoint");
      int points = points(c, "points", "checkpoint '" + description + "'", 1, 7);
      boolean key = c.path("key_idea").asBoolean(false);
      int[] sums = chains.computeIfAbsent(chain.isEmpty() ? "A" : chain, k -> new int[2]);
      sums[0] += points;
      sums[1] += key ? points : 0;
      checkpoints.add(RowFactory.create(chain.isEmpty() ? "A" : chain, description, points, key));
    }
    if (checkpoints.isEmpty()) {
      throw new Unreadable("the scheme has no checkpoints");
    }
    for (Map.Entry<String, int[]> chain : chains.entrySet()) {
      if (chain.getValue()[0] != 7) {
        throw new Unreadable("the checkpoints of chain " + chain.getKey() + " sum to " + chain.getValue()[0] + " points, not 7");
      }
      if (chain.getValue()[1] < 4) {
        throw new Unreadable("the key ideas of chain " + chain.getKey() + " carry " + chain.getValue()[1] + " points; they need at least 4");
      }
    }
    List<String> zeroCredit = new ArrayList<>();
    for (JsonNode z : optionalArray(scheme, "zero_credit")) {
      zeroCredit.add(z.asText());
    }
    List<Row> deductions = new ArrayList<>();
    for (JsonNode d : optionalArray(scheme, "deductions")) {
      String description = text(d, "description", "a deduction");
      deductions.add(RowFactory.create(description, Math.abs(points(d, "points", "deduction '" + description + "'", -7, 7))));
    }
    List<Row> caps = new ArrayList<>();
    for (JsonNode c : optionalArray(scheme, "caps")) {
      String description = text(c, "description", "a cap");
      caps.add(RowFactory.create(description, points(c, "max_points", "cap '" + description + "'", 0, 6)));
    }
    return new Object[] {checkpoints, zeroCredit, deductions, caps, render(checkpoints, zeroCredit, deductions, caps)};
  }

  /** The scheme as the text judges read. */
  static String render(List<Row> checkpoints, List<String> zeroCredit, List<Row> deductions, List<Row> caps) {
    StringBuilder text = new StringBuilder();
    String chain = null;
    boolean severalChains = checkpoints.stream().map(r -> r.getString(0)).distinct().count() > 1;
    for (Row c : checkpoints) {
      if (severalChains && !c.getString(0).equals(chain)) {
        chain = c.getString(0);
        text.append(text.length() > 0 ? "\n" : "").append("Solution chain ").append(chain)
            .append(" (award the chain that earns the most):\n");
      }
      text.append("- (").append(c.getInt(2)).append(c.getInt(2) == 1 ? " point" : " points").append(c.getBoolean(3) ? ", key idea" : "")
          .append(") ").append(c.getString(1)).append('\n');
    }
    if (!zeroCredit.isEmpty()) {
      text.append("\nNo credit for:\n");
      zeroCredit.forEach(z -> text.append("- ").append(z).append('\n'));
    }
    if (!deductions.isEmpty()) {
      text.append("\nDeductions:\n");
      deductions.forEach(d -> text.append("- minus ").append(d.getInt(1)).append(": ").append(d.getString(0)).append('\n'));
    }
    if (!caps.isEmpty()) {
      text.append("\nCaps:\n");
      caps.forEach(c -> text.append("- at most ").append(c.getInt(1)).append(": ").append(c.getString(0)).append('\n'));
    }
    return text.toString().strip();
  }

  private static JsonNode array(JsonNode scheme, String field) throws Unreadable {
    JsonNode node = scheme.path(field);
    if (!node.isArray()) {
      throw new Unreadable("'" + field + "' is missing or not a list");
    }
    return node;
  }

  private static JsonNode optionalArray(JsonNode scheme, String field) throws Unreadable {
    JsonNode node = scheme.path(field);
    if (node.isMissingNode() || node.isNull()) {
      return JSON.createArrayNode();
    }
    if (!node.isArray()) {
      throw new Unreadable("'" + field + "' is not a list");
    }
    return node;
  }

  private static String text(JsonNode node, String field, String what) throws Unreadable {
    String value = node.path(field).asText("").strip();
    if (value.isEmpty()) {
      throw new Unreadable(what + " has no " + field);
    }
    return value;
  }

  private static int points(JsonNode node, String field, String what, int min, int max) throws Unreadable {
    JsonNode value = node.path(field);
    if (!value.canConvertToExactIntegral() || !value.isNumber()) {
      throw new Unreadable(what + ": " + field + " must be a whole number, not " + value);
    }
    int points = value.intValue();
    if (points < min || points > max) {
      throw new Unreadable(what + ": " + field + " " + points + " is outside " + min + ".." + max);
    }
    return points;
  }
}
