package dev.qedspark.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Writes a stage's result record as {@code report.json}: snake_case keys, indented. */
public final class Reports {
  public static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  private Reports() {}

  /** Writes {@code report} to {@code folder/report.json} on any Hadoop file system. */
  public static void write(SparkSession spark, String folder, Object report) {
    Path file = new Path(folder, "report.json");
    try {
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream stream = fs.create(file, true)) {
        stream.write(JSON.writeValueAsString(report).getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new DatasetException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
