package dev.qedspark.llm;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qedspark.io.HadoopConf;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The content-addressed response cache: every successful response, stored under the hash of its
 * request ({@link RequestBodies#cacheKey}) as soon as it arrives, so no paid request is made
 * twice, across crashes, task retries and jobs.
 *
 * <p>Layout: {@code DIR/segments/RUN-pPARTITION-UUID.jsonl} holds the responses, one JSON line
 * each, one file per task attempt; {@code DIR/index/RUN-pPARTITION-UUID.tsv} holds one line per response, written
 * after the response is flushed: {@code key TAB offset TAB length}. Lookups join the requests' keys
 * with the index (about 90 bytes an entry, so millions of responses are a small scan) and then read
 * only the hits, by position. A line cut short by a kill is skipped; a response whose index line
 * was lost is sent again. Any job may read the cache while others append to it.
 */
public final class ResponseCache implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ResponseCache.class);

  private final String dir;
  private final HadoopConf hadoop;

  public ResponseCache(String dir, HadoopConf hadoop) {
    this.dir = dir;
    this.hadoop = hadoop;
  }

  public String dir() {
    return dir;
  }

  /** Where a response is: its segment file and its line's byte range. */
  public record Location(String segment, long offset, int length) implements Serializable {}

  /** One cached response with how it was answered. */
  public record Entry(JsonNode response, long latencyMs, int attempts) implements Serializable {}

  /** Every indexed key with its location, one per key. */
  public JavaPairRDD<String, Location> index(SparkSession spark) {
    indexUnindexedSegments();
    Path index = new Path(dir, "index");
    try {
      FileSystem fs = fs();
      if (!fs.exists(index) || fs.listStatus(index).length == 0) {
        return org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelizePairs(java.util.List.of());
      }
    } catch (IOException e) {
      throw new LlmException("cannot read the response cache at " + dir + ": " + e.getMessage(), e);
    }
    String segments = new Path(dir, "segments").toString();
    return spark.read().text(index.toString()).select(col("value"), input_file_name().as("file")).javaRDD()
        .flatMapToPair(row -> {
          Tuple2<String, Location> entry = indexLine(row.getString(0), segments, row.getString(1));
          return entry == null ? java.util.Collections.emptyIterator() : java.util.List.of(entry).iterator();
        })
        .reduceByKey((a, b) -> a.segment().compareTo(b.segment()) <= 0 ? a : b);
  }

  /**
   * The keys that earlier attempts of this run's task {@code partition} stored, read on an
   * executor before sending; {@code partition < 0} reads the whole run's.
   */
  Map<String, Location> writtenBy(String runId, int partition) throws IOException {
    Map<String, Location> written = new HashMap<>();
    Path index = new Path(dir, "index");
    FileSystem fs = fs();
    if (!fs.exists(index)) {
      return written;
    }
    String segments = new Path(dir, "segments").toString();
    String prefix = partition < 0 ? runId + "-" : segmentPrefix(runId, partition);
    for (FileStatus file : fs.listStatus(index, p -> p.getName().startsWith(prefix))) {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file.getPath()), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          Tuple2<String, Location> entry = indexLine(line, segments, file.getPath().toString());
          if (entry != null) {
            written.putIfAbsent(entry._1(), entry._2());
          }
        }
      }
    }
    return written;
  }

  private static String segmentPrefix(String runId, int partition) {
    return String.format("%s-p%05d-", runId, Math.max(0, partition));
  }

  private static Tuple2<String, Location> indexLine(String line, String segments, String indexFile) {
    String[] parts = line.split("\t");
    if (parts.length != 3 || parts[0].length() != 64) {
      return null;
    }
    String name = indexFile.substring(indexFile.lastIndexOf('/') + 1).replaceAll("\\.tsv$", ".jsonl");
    try {
      return new Tuple2<>(parts[0], new Location(segments + "/" + name, Long.parseLong(parts[1]), Integer.parseInt(parts[2])));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Opens segments as needed and reads entries by location; keeps the last segment open. */
  public final class Reader implements Closeable {
    private String open;
    private FSDataInputStream in;

    public Entry read(Location location) throws IOException {
      if (!location.segment().equals(open)) {
        close();
        in = fs().open(new Path(location.segment()));
        open = location.segment();
      }
      byte[] line = new byte[location.length()];
      in.readFully(location.offset(), line);
      JsonNode entry = RequestBodies.JSON.readTree(line);
      return new Entry(entry.path("response"), entry.path("latency_ms").asLong(), entry.path("attempts").asInt());
    }

    @Override
    public void close() throws IOException {
      if (in != null) {
        in.close();
        in = null;
        open = null;
      }
    }
  }

  public Reader reader() {
    return new Reader();
  }

  /** Opens a new segment and its index for one attempt of task {@code partition} of run {@code runId}. */
  public Writer writer(String runId, int partition) throws IOException {
    String name = segmentPrefix(runId, partition) + UUID.randomUUID();
    FileSystem fs = fs();
    return new Writer(fs.create(new Path(new Path(dir, "segments"), name + ".jsonl"), false),
        fs.create(new Path(new Path(dir, "index"), name + ".tsv"), false));
  }

  /** Appends entries to one segment and its index; safe to use from the threads that complete requests. */
  public static final class Writer implements Closeable {
    private final FSDataOutputStream data;
    private final FSDataOutputStream index;
    private long offset;

    Writer(FSDataOutputStream data, FSDataOutputStream index) {
      this.data = data;
      this.index = index;
    }

    public synchronized void append(String key, JsonNode response, long latencyMs, int attempts) throws IOException {
      ObjectNode entry = RequestBodies.JSON.createObjectNode();
      entry.put("key", key);
      entry.set("response", response);
      entry.put("latency_ms", latencyMs);
      entry.put("attempts", attempts);
      entry.put("created_at", Instant.now().toString());
      byte[] line = (RequestBodies.JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
      data.write(line);
      data.hflush();
      index.write((key + "\t" + offset + "\t" + line.length + "\n").getBytes(StandardCharsets.UTF_8));
      index.hflush();
      offset += line.length;
    }

    @Override
    public synchronized void close() throws IOException {
      try {
        data.close();
      } finally {
        index.close();
      }
    }
  }

  /**
   * Builds the index of segments that have none: caches written before the cache had an index.
   * Runs once per such segment; afterwards every segment is found through its index.
   */
  void indexUnindexedSegments() {
    Path segments = new Path(dir, "segments");
    try {
      FileSystem fs = fs();
      if (!fs.exists(segments)) {
        return;
      }
      Set<String> indexed = new HashSet<>();
      Path indexDir = new Path(dir, "index");
      if (fs.exists(indexDir)) {
        for (FileStatus f : fs.listStatus(indexDir)) {
          indexed.add(f.getPath().getName().replaceAll("\\.tsv$", ""));
        }
      }
      for (FileStatus segment : fs.listStatus(segments, p -> p.getName().endsWith(".jsonl"))) {
        String name = segment.getPath().getName().replaceAll("\\.jsonl$", "");
        if (!indexed.contains(name)) {
          indexSegment(fs, segment.getPath(), new Path(indexDir, name + ".tsv"));
        }
      }
    } catch (IOException e) {
      throw new LlmException("cannot index the response cache at " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void indexSegment(FileSystem fs, Path segment, Path index) throws IOException {
    Path partial = new Path(index.getParent(), "." + index.getName() + ".partial");
    int entries = 0;
    try (FSDataInputStream in = fs.open(segment); OutputStream out = fs.create(partial, true)) {
      byte[] bytes = in.readAllBytes();
      int start = 0;
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] == '\n') {
          try {
            String key = RequestBodies.JSON.readTree(bytes, start, i - start + 1).path("key").asText("");
            if (key.length() == 64) {
              out.write((key + "\t" + start + "\t" + (i - start + 1) + "\n").getBytes(StandardCharsets.UTF_8));
              entries++;
            }
          } catch (IOException cutShort) {
            // a line cut short by a kill: not an entry
          }
          start = i + 1;
        }
      }
    }
    if (!fs.rename(partial, index)) {
      throw new IOException("cannot rename " + partial + " to " + index);
    }
    LOG.info("indexed {} cached responses of {}", entries, segment);
  }

  private FileSystem fs() throws IOException {
    FileSystem fs = new Path(dir).getFileSystem(hadoop.get());
    // Local checksum files are written in blocks, so a killed task would leave a file whose
    // checksum no longer matches; the raw local file system keeps none.
    return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
  }
}
