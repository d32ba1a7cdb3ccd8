package dev.qedspark.curation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qedspark.llm.AnswerParser;
import dev.qedspark.llm.Completion;
import java.io.IOException;
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
  private static final ObjectMapper JSON = new ObjectMapper();

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
    String text = answer.proof();
    if (text == null || text.isBlank()) {
      throw new Unreadable("the answer has no final part after its reasoning");
    }
    int start = text.indexOf('{');
    int end = text.lastIndexOf('}');
    if (start < 0 || end < start) {
      throw new Unreadable("the answer holds no JSON object");
    }
    JsonNode tags;
    try {
      tags = JSON.readTree(text.substring(start, end + 1));
    } catch (IOException e) {
      throw new Unreadable("the answer's JSON cannot be read: " + e.getMessage().lines().findFirst().orElse(""));
    }
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
