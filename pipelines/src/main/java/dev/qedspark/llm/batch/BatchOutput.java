package dev.qedspark.llm.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qedspark.common.Status;
import dev.qedspark.spark.SparkJobs;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes the rows of an {@link Infer} run in the OpenAI Batch API output format, one line per custom_id:
 * {@code {"id", "custom_id", "response": {"status_code", "request_id", "body"}, "error"}}. A failed
 * or unsent request has {@code response: null} and an {@code error} with a code and message.
 * Lines are sorted by custom_id; the file appears only when complete.
 */
public final class BatchOutput {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BatchOutput() {}

  public static long write(SparkSession spark, Dataset<Row> generations, String path) throws IOException {
    Path target = new Path(path);
    Path partial = new Path(target.getParent(), "." + target.getName() + ".partial");
    FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
    long lines;
    try {
      // The rows are fetched a partition at a time while they are written, so the jobs are named around the whole loop.
      lines = SparkJobs.named(spark, "infer: write " + target.getName(), () -> writeLines(fs, partial, generations));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    fs.delete(target, false);
    if (!fs.rename(partial, target)) {
      throw new IOException("cannot rename " + partial + " to " + target);
    }
    return lines;
  }

  private static long writeLines(FileSystem fs, Path file, Dataset<Row> generations) {
    long lines = 0;
    try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(fs.create(file, true), StandardCharsets.UTF_8))) {
      Iterator<Row> rows = generations.select("request_id", "cache_key", "response", "status", "error")
          .orderBy("request_id", "sample_index").toLocalIterator();
      String previous = null;
      while (rows.hasNext()) {
        Row row = rows.next();
        if (row.getString(0).equals(previous)) {
          continue;
        }
        previous = row.getString(0);
        out.write(JSON.writeValueAsString(line(row.getString(0), row.getString(1), row.getString(2), row.getString(3), row.getString(4))));
        out.write('\n');
        lines++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines;
  }

  /** One output line per request: the rows of its choices share the request's response. */
  static ObjectNode line(String requestId, String cacheKey, String responseJson, String status, String error) throws IOException {
    ObjectNode line = JSON.createObjectNode();
    line.put("id", "batch_req_" + (cacheKey == null ? requestId : cacheKey.substring(0, 24)));
    line.put("custom_id", requestId);
    if (responseJson != null) {
      ObjectNode response = line.putObject("response");
      response.put("status_code", 200);
      response.put("request_id", JSON.readTree(responseJson).path("id").asText(""));
      response.set("body", JSON.readTree(responseJson));
      line.putNull("error");
    } else {
      line.putNull("response");
      line.putObject("error").put("code", Status.NOT_SENT.id().equals(status) ? "budget_exhausted" : "request_failed")
          .put("message", error);
    }
    return line;
  }
}
