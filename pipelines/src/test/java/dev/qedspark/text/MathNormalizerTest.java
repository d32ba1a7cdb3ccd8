package dev.qedspark.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.qedspark.spark.SparkTestBase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MathNormalizerTest extends SparkTestBase {
  private static PipelineModel model;

  @BeforeAll
  static void fit() {
    model = MathNormalizer.fit(texts(List.of("x")), "text");
  }

  private static Dataset<Row> texts(List<String> texts) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(RowFactory.create(i, texts.get(i)));
    }
    return spark.createDataFrame(rows, new StructType().add("i", DataTypes.IntegerType).add("text", DataTypes.StringType));
  }

  private static Map<String, String> normalize(String... texts) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Row row : MathNormalizer.apply(model, texts(List.of(texts))).orderBy("i").collectAsList()) {
      out.put(row.getString(1), row.getAs("normalized"));
    }
    return out;
  }

  @Test
  void notationVariantsNormalizeAlike() {
    Map<String, String> n = normalize(
        "Prove that $\\dfrac{a}{b} \\leq 1$.",
        "Prove that \\(\\tfrac{a}{b}\\le 1\\).",
        "Problem 3. Prove that $$\\left( \\frac{a}{b} \\right) \\leq\\, 1$$.",
        "(USAMO 2019) PROVE   that $\\frac{a}{b} \\leqslant 1$.");
    List<String> values = List.copyOf(n.values());
    assertEquals("prove that $ \\frac { a } { b } \\le 1 $ .", values.get(0));
    assertEquals(values.get(0), values.get(1), "\\( \\) and \\tfrac");
    assertEquals("prove that $ ( \\frac { a } { b } ) \\le 1 $ .", values.get(2), "prefix, $$, \\left \\right, \\,");
    assertEquals(values.get(0), values.get(3), "(USAMO 2019), case, spaces, \\leqslant");
  }

  @Test
  void digitsAndCommandsStayAsTokens() {
    Row row = MathNormalizer.apply(model, texts(List.of("Find all $n \\ge 2019$ with \\sqrt{n}."))).first();
    assertEquals(List.of("find", "all", "$", "n", "\\ge", "2019", "$", "with", "\\sqrt", "{", "n", "}", "."), row.getList(row.fieldIndex("tokens")));
    Map<String, String> n = normalize("Find all $n > 2019$.", "Find all $n > 2020$.");
    List<String> values = List.copyOf(n.values());
    assertNotEquals(values.get(0), values.get(1), "different constants, different problems");
  }

  @Test
  void leadingEnumeratorsAreNotPartOfTheProblem() {
    String bare = "Let $ABC$ be a triangle with $AB = 5$. Prove that $BC < 12$.";
    List<String> numbered = List.of("Q7) " + bare, "7. " + bare, "(7) " + bare, "#7 " + bare, "Problem 7: " + bare,
        "Exercise 3.2 " + bare, "[7 points] " + bare, "Problem 7 [7 points] " + bare, "  12) " + bare);
    List<String> all = new ArrayList<>(numbered);
    all.add(0, bare);
    List<String> values = List.copyOf(normalize(all.toArray(String[]::new)).values());
    for (int i = 1; i < values.size(); i++) {
      assertEquals(values.get(0), values.get(i), numbered.get(i - 1));
    }
    Map<String, String> math = normalize("(x+10)^2 = 5 has two real roots.", "(x+20)^2 = 5 has two real roots.", "(IMO Shortlist 2019) Prove it.");
    List<String> m = List.copyOf(math.values());
    assertNotEquals(m.get(0), m.get(1), "a leading parenthesis of mathematics is not a source");
    assertEquals("prove it .", m.get(2), "a source with a year is");
    Map<String, String> kept = normalize("2023 is odd. Prove it.", "5 points lie on a circle.");
    assertEquals(List.of("2023 is odd . prove it .", "5 points lie on a circle ."), List.copyOf(kept.values()),
        "a number that starts the sentence itself stays");
  }
}
