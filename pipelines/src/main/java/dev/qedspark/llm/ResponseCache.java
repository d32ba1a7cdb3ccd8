package dev.qedspark.llm;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.get_json_object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qedspark.io.HadoopConf;
import java.io.Closeable;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The content-addressed response cache: every successful response, stored under the hash of its
 * request ({@link RequestBodies#cacheKey}) as soon as it arrives, so no paid request is made
 * twice, across crashes and across jobs.
 *
 * <p>Layout: {@code DIR/segments/*.jsonl}, one file per task attempt, one JSON line per response,
 * flushed after each line. A line cut short by a kill is skipped on read. Any job may read the
 * whole cache while others append to it.
 */
public final class ResponseCache implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String dir;
  private final HadoopConf hadoop;

  public ResponseCache(String dir, HadoopConf hadoop) {
    this.dir = dir;
    this.hadoop = hadoop;
  }

  public String dir() {
    return dir;
  }

  /** Every readable entry as rows {@code (cache_key, entry)}, one per key. */
  public Dataset<Row> entries(SparkSession spark) {
    Path segments = new Path(dir, "segments");
    try {
      FileSystem fs = segments.getFileSystem(hadoop.get());
      if (!fs.exists(segments) || fs.listStatus(segments).length == 0) {
        return spark.emptyDataFrame().selectExpr("CAST(NULL AS STRING) AS cache_key", "CAST(NULL AS STRING) AS entry");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the response cache at " + dir + ": " + e.getMessage(), e);
    }
    return spark.read().text(segments.toString())
        .select(get_json_object(col("value"), "$.key").as("cache_key"), col("value").as("entry"))
        .filter(col("cache_key").isNotNull())
        .dropDuplicates("cache_key");
  }

  /** Opens a new segment for this task. */
  public Writer writer() throws IOException {
    Path file = new Path(new Path(dir, "segments"), UUID.randomUUID() + ".jsonl");
    FileSystem fs = file.getFileSystem(hadoop.get());
    // Local checksum files are written in blocks, so a killed task would leave a segment whose
    // checksum no longer matches; the raw local file system keeps none.
    if (fs instanceof LocalFileSystem local) {
      fs = local.getRaw();
    }
    return new Writer(fs.create(file, false));
  }

  /** Appends entries to one segment; safe to use from the threads that complete requests. */
  public static final class Writer implements Closeable {
    private final FSDataOutputStream out;

    Writer(FSDataOutputStream out) {
      this.out = out;
    }

    public synchronized void append(String key, JsonNode response, long latencyMs, int attempts) throws IOException {
      ObjectNode entry = RequestBodies.JSON.createObjectNode();
      entry.put("key", key);
      entry.set("response", response);
      entry.put("latency_ms", latencyMs);
      entry.put("attempts", attempts);
      entry.put("created_at", Instant.now().toString());
      out.write((RequestBodies.JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8));
      out.hflush();
    }

    @Override
    public synchronized void close() throws IOException {
      out.close();
    }
  }
}
