package dev.qedspark.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RecordSchemaTest {
  record Message(String role, String content) {}

  record Sample(
      String problemId,
      int score,
      Double reward,
      boolean ok,
      long tokens,
      List<Integer> scores,
      Map<String, String> metadata,
      List<Message> messages,
      @ColumnName("gemini-3-pro-grade") Integer grade) {}

  record Unsupported(java.time.Instant when) {}

  @Test
  void columnsAreSnakeCaseWithTypesAndNullabilityFromTheRecord() {
    StructType schema = RecordSchema.of(Sample.class).schema();
    assertEquals(List.of("problem_id", "score", "reward", "ok", "tokens", "scores", "metadata", "messages", "gemini-3-pro-grade"),
        List.of(schema.fieldNames()));
    assertEquals(DataTypes.IntegerType, schema.apply("score").dataType());
    assertFalse(schema.apply("score").nullable(), "primitives are required");
    assertTrue(schema.apply("reward").nullable(), "boxed types may be null");
    assertEquals(DataTypes.createArrayType(DataTypes.IntegerType, true), schema.apply("scores").dataType());
    assertEquals(DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true), schema.apply("metadata").dataType());
    StructType message = (StructType) ((org.apache.spark.sql.types.ArrayType) schema.apply("messages").dataType()).elementType();
    assertEquals(List.of("role", "content"), List.of(message.fieldNames()));
  }

  @Test
  void recordsSurviveTheTripThroughARow() {
    RecordSchema<Sample> schema = RecordSchema.of(Sample.class);
    Sample sample = new Sample("p:1", 7, null, true, 123L, List.of(7, 0, 6), Map.of("k", "v"),
        List.of(new Message("user", "Prove it."), new Message("assistant", "<think>x</think>Proof.")), 6);
    Row row = schema.toRow(sample);
    assertEquals(9, row.length());
    assertEquals(sample, schema.fromRow(row));
  }

  @Test
  void unsupportedTypesAreRejectedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RecordSchema.of(Unsupported.class).schema());
    assertTrue(e.getMessage().contains("Instant"), e.getMessage());
  }

  @Test
  void theProblemsContractHasTheDesignColumns() {
    List<String> columns = List.of(Problem.SCHEMA.columnNames());
    assertTrue(columns.containsAll(List.of("problem_id", "problem", "solution", "answer", "rubric", "source",
        "competition", "category", "level", "metadata")), columns.toString());
  }
}
