package dev.qedspark.sft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qedspark.io.DatasetReader;
import dev.qedspark.io.DatasetWriter;
import dev.qedspark.spark.SparkTestBase;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SftDatasetTest extends SparkTestBase {
  @TempDir Path dir;

  private String write(String name, StructType schema, String[] keys, Row... rows) {
    String path = dir.resolve(name).toString();
    DatasetWriter.of(spark.createDataFrame(Arrays.asList(rows), schema)).to(path).named(name).keyedBy(keys).shards(1).execute();
    return path;
  }

  @Test
  void theColumnsAreFineProofsSftsAndDefaultKeepsTheBestGradedProof() throws Exception {
    StructType generations = new StructType().add("problem_id", DataTypes.StringType).add("sample_index", DataTypes.IntegerType)
        .add("problem", DataTypes.StringType).add("reasoning_content", DataTypes.StringType).add("proof", DataTypes.StringType)
        .add("model", DataTypes.StringType).add("finish_reason", DataTypes.StringType).add("status", DataTypes.StringType);
    String proofs = write("generations", generations, new String[] {"problem_id", "sample_index"},
        RowFactory.create("p1", 0, "Show A.", "think a", "Proof a.", "teacher", "stop", "ok"),
        RowFactory.create("p1", 1, "Show A.", "think b", "", "teacher", "length", "truncated"),
        RowFactory.create("p1", 2, "Show A.", "think c", "Proof c.", "teacher", "stop", "ok"),
        RowFactory.create("p2", 0, "Show B.", null, null, "teacher", null, "error"),
        RowFactory.create("p2", 1, "Show B.", null, "Proof of B without reasoning.", "teacher", "stop", "ok"));
    StructType gradeRows = new StructType().add("problem_id", DataTypes.StringType).add("judge_model", DataTypes.StringType);
    String grades = write("grades", gradeRows, new String[] {"problem_id"},
        RowFactory.create("p1", "openai/GPT-OSS-20b"), RowFactory.create("p2", null));
    StructType scoreRows = new StructType().add("problem_id", DataTypes.StringType).add("sample_index", DataTypes.IntegerType)
        .add("score", DataTypes.DoubleType).add("status", DataTypes.StringType);
    String scores = write("scores", scoreRows, new String[] {"problem_id", "sample_index"},
        RowFactory.create("p1", 0, 3.0, "ok"), RowFactory.create("p1", 1, 0.0, "truncated"),
        RowFactory.create("p1", 2, 6.4, "ok"), RowFactory.create("p2", 1, null, "parse_error"));
    StructType problemRows = new StructType().add("problem_id", DataTypes.StringType).add("category", DataTypes.StringType)
        .add("competition", DataTypes.StringType).add("source", DataTypes.StringType);
    String problems = write("problems", problemRows, new String[] {"problem_id"},
        RowFactory.create("p1", "Algebra", "IMO", "imo-proofbench"), RowFactory.create("p2", "Geometry", null, "putnambench"));

    SftReport report = SftDataset.of(spark, proofs, grades, scores, problems).into(dir.resolve("sft").toString()).execute();

    Dataset<Row> all = DatasetReader.read(spark, report.allPath());
    String grade = SftSettings.DEFAULTS.gradeColumn();
    assertEquals("gemini-3-pro-grade", grade, "FineProofs-SFT's name for its grade column");
    List<String> fineProofs = SftDataset.columns(grade, null);
    assertEquals(fineProofs, Arrays.asList(all.columns()).subList(0, fineProofs.size()), "FineProofs-SFT's columns, in its order");
    String message = "array<struct<role:string,content:string,reasoning_content:string>>";
    assertEquals("struct<problem:string,reasoning_content:string,proof:string,category:string,competition:string,"
            + "gemini-3-pro-grade:bigint,source:string,messages:" + message + ",prompt:" + message + ",completion:" + message + ">",
        all.select(all.columns()[0], Arrays.copyOfRange(all.columns(), 1, fineProofs.size() + 2)).schema().simpleString()
            .replace("`", ""), "int64 grades as FineProofs-SFT publishes them; TRL's prompt and completion after messages");
    assertEquals(4, report.proofs(), "the failed generation has no text and is left out");
    assertEquals(1, report.failedGenerations());
    assertEquals(Map.of("0", 1L, "3", 1L, "6", 1L, "none", 1L), report.byGrade());

    Row truncated = all.where("problem_id = 'p1' AND sample_index = 1").first();
    assertEquals(0L, truncated.<Long>getAs(grade), "an incomplete proof stays in all, graded 0");
    assertEquals("truncated", truncated.getAs("generation_status"));
    Row first = all.where("problem_id = 'p1' AND sample_index = 0").first();
    List<Row> messages = first.getList(first.fieldIndex("messages"));
    assertEquals(List.of("user", "Show A.", "none"), List.of(messages.get(0).getString(0), messages.get(0).getString(1),
        String.valueOf(messages.get(0).isNullAt(2) ? "none" : messages.get(0).getString(2))));
    assertEquals(List.of("assistant", "Proof a.", "think a"), List.of(messages.get(1).getString(0), messages.get(1).getString(1),
        messages.get(1).getString(2)), "the proof as the content, the reasoning in the template's reasoning field, no tags added");
    assertEquals(List.of(messages.get(0)), first.getList(first.fieldIndex("prompt")));
    assertEquals(List.of(messages.get(1)), first.getList(first.fieldIndex("completion")));
    Row withoutReasoning = all.where("problem_id = 'p2'").first();
    assertTrue(withoutReasoning.<Row>getList(withoutReasoning.fieldIndex("completion")).get(0).isNullAt(2), "no reasoning: none invented");
    assertEquals("openai/GPT-OSS-20b", first.getAs("judge_model"));
    assertEquals("Algebra", first.getAs("category"));

    assertEquals(0, report.problems(), "nothing is graded 7, the default sft.min-grade");
    assertEquals(all.schema(), DatasetReader.read(spark, report.defaultPath()).schema(), "one schema for both configs");
    SftReport lower = SftDataset.of(spark, proofs, grades, scores, problems).settings(new SftSettings(3, "grade", "reward"))
        .into(dir.resolve("sft-3").toString()).execute();
    Map<String, Integer> best = new java.util.TreeMap<>();
    DatasetReader.read(spark, lower.defaultPath()).collectAsList().forEach(r -> best.put(r.getAs("problem_id"), r.getAs("sample_index")));
    assertEquals(Map.of("p1", 2), best, "the best finished, graded proof per problem; p2's only proof has no grade, p1's truncated one is out");
    assertEquals(2, lower.trainable());

    String card = java.nio.file.Files.readString(dir.resolve("sft").resolve(dev.qedspark.publish.DatasetCard.FILE_NAME));
    assertTrue(card.startsWith("---\n") && card.contains("- config_name: default\n  default: true\n  data_files:\n  - split: train\n"
        + "    path: default/*.parquet\n- config_name: all\n"), card);
    assertTrue(java.nio.file.Files.exists(dir.resolve("sft").resolve(dev.qedspark.io.Lineage.FILE_NAME)));

    // With RL rollouts of the same problems, the policy-reward column takes its place after the grade.
    Path rl = dir.resolve("rl");
    java.nio.file.Files.createDirectories(rl);
    StructType rlAll = new StructType().add("problem_id", DataTypes.StringType).add("reward_mean", DataTypes.DoubleType)
        .add("rollouts", DataTypes.LongType);
    write("rl/all", rlAll, new String[] {"problem_id"}, RowFactory.create("p1", 0.25, 4L), RowFactory.create("p2", null, 4L));
    write("rl/rollouts", new StructType().add("problem_id", DataTypes.StringType).add("model", DataTypes.StringType),
        new String[] {"problem_id"}, RowFactory.create("p1", "Qwen/Qwen3-4B-Thinking"));
    SftReport withRewards = SftDataset.of(spark, proofs, grades, scores, problems).rewards(rl.toString())
        .into(dir.resolve("sft-rewards").toString()).execute();
    Dataset<Row> rewarded = DatasetReader.read(spark, withRewards.allPath());
    List<String> expected = SftDataset.columns(grade, "qwen3-4b-thinking-reward@128");
    assertEquals(expected, Arrays.asList(rewarded.columns()).subList(0, expected.size()), "FineProofs-SFT's name for the reward column");
    assertEquals(0.25, rewarded.where("problem_id = 'p1'").first().<Double>getAs("qwen3-4b-thinking-reward@128"));
  }
}
