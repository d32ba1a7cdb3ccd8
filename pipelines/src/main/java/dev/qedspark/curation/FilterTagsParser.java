package dev.qedspark.curation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qedspark.llm.AnswerParser;
import dev.qedspark.llm.Completion;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a problem's tags from a JSON answer: five true/false tags and a difficulty from 1 to 10.
 * A missing tag, a tag that is not true or false, or a difficulty off the scale makes the answer
 * {@link Unreadable}; the problem keeps its row, marked.
 */
public final class FilterTagsParser implements AnswerParser {
  private static final long serialVersionUID = 1L;

  /** What a dry run takes as the tags of a problem it does not ask about: nothing wrong, a difficulty the rules keep. */
  static String standIn(FilterSettings settings) {
    StringBuilder json = new StringBuilder("{");
    FilterSettings.TAGS.forEach(tag -> json.append('"').append(tag).append("\": false, "));
    int difficulty = Math.max(1, Math.min(10, (settings.minDifficulty() + settings.maxDifficulty()) / 2));
    return json.append("\"difficulty\": ").append(difficulty).append('}').toString();
  }

  @Override
  public StructType schema() {
    StructType schema = new StructType();
    for (String tag : FilterSettings.TAGS) {
      schema = schema.add(tag, DataTypes.BooleanType);
    }
    return schema.add("difficulty", DataTypes.IntegerType);
  }

  @Override
  public Object[] parse(Completion answer, Row input) throws Unreadable {
    JsonNode tags = JsonAnswer.object(answer.proof());
    Object[] values = new Object[FilterSettings.TAGS.size() + 1];
    for (int i = 0; i < FilterSettings.TAGS.size(); i++) {
      JsonNode tag = tags.path(FilterSettings.TAGS.get(i));
      if (!tag.isBoolean()) {
        throw new Unreadable("tag '" + FilterSettings.TAGS.get(i) + "' must be true or false, not " + (tag.isMissingNode() ? "missing" : tag));
      }
      values[i] = tag.booleanValue();
    }
    JsonNode difficulty = tags.path("difficulty");
    if (!difficulty.isIntegralNumber() || difficulty.intValue() < 1 || difficulty.intValue() > 10) {
      throw new Unreadable("difficulty must be a whole number from 1 to 10, not " + (difficulty.isMissingNode() ? "missing" : difficulty));
    }
    values[values.length - 1] = difficulty.intValue();
    return values;
  }
}
