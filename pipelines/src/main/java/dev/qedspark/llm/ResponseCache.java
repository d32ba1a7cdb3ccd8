package dev.qedspark.llm;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qedspark.io.FileSystems;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.sketch.BloomFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The content-addressed response cache: every successful response, stored under the hash of its
 * request ({@link RequestBodies#cacheKey}) as soon as it arrives, so no paid request is made
 * twice, across crashes, task retries and jobs.
 *
 * <p>Layout: {@code DIR/segments/RUN/pPARTITION-UUID.jsonl} holds the responses, one JSON line
 * each, one file per task attempt; {@code DIR/index/RUN/pPARTITION-UUID.tsv} holds one line per
 * response, written after the response is flushed: {@code key TAB offset TAB length}. A lookup
 * reads the index (about 90 bytes an entry), keeps only the lines whose key may be asked for (a
 * Bloom filter of the run's keys, so only candidates are shuffled), and then reads just the hits,
 * by position. A line cut short by a kill is skipped; a response whose index line was lost is
 * sent again. Any job may read the cache while others append to it.
 *
 * <p>The cache needs a file system that can flush a file while it is open (HDFS, local disk):
 * on one that cannot (S3A without a flushing output stream), answers of a killed task are lost
 * and paid for again, and the first run says so.
 */
public final class ResponseCache implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ResponseCache.class);
  /** Segments written before the index existed: a bare UUID, directly in {@code segments/}. */
  private static final Pattern LEGACY_SEGMENT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.jsonl");
  static final String LEGACY_RUN = "legacy";

  private final String dir;
  private final HadoopConf hadoop;

  public ResponseCache(String dir, HadoopConf hadoop) {
    this.dir = dir;
    this.hadoop = hadoop;
  }

  /** Where a response is: its segment file and its line's byte range. */
  public record Location(String segment, long offset, int length) implements Serializable {}

  /** One cached response with how it was answered. */
  public record Entry(JsonNode response, long latencyMs, int attempts) implements Serializable {}

  /**
   * The location of every cached key that may be among {@code wanted}, one per key (false
   * positives of the filter simply find no request to join).
   */
  public JavaPairRDD<String, Location> index(SparkSession spark, BloomFilter wanted) {
    indexLegacySegments();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Path index = new Path(dir, "index");
    try {
      FileSystem fs = fs();
      if (!fs.exists(index) || fs.globStatus(new Path(index, "*/*.tsv")).length == 0) {
        return jsc.parallelizePairs(List.of());
      }
    } catch (IOException e) {
      throw new LlmException("cannot read the response cache at " + dir + ": " + e.getMessage(), e);
    }
    Broadcast<BloomFilter> filter = jsc.broadcast(wanted);
    String root = dir;
    return spark.read().text(new Path(index, "*/*.tsv").toString()).select(col("value"), input_file_name().as("file")).javaRDD()
        .flatMapToPair(row -> {
          Tuple2<String, Location> entry = indexLine(row.getString(0), root, row.getString(1));
          return entry == null || !filter.value().mightContainString(entry._1())
              ? java.util.Collections.emptyIterator() : List.of(entry).iterator();
        })
        .reduceByKey((a, b) -> a.segment().compareTo(b.segment()) <= 0 ? a : b);
  }

  /**
   * The keys that earlier attempts of task {@code partition} of run {@code runId} stored, read
   * on an executor before sending; {@code partition < 0} reads the whole run's.
   */
  Map<String, Location> writtenBy(String runId, int partition) throws IOException {
    Map<String, Location> written = new HashMap<>();
    Path index = new Path(new Path(dir, "index"), runId);
    FileSystem fs = fs();
    if (!fs.exists(index)) {
      return written;
    }
    String prefix = partition < 0 ? "p" : partitionPrefix(partition);
    for (FileStatus file : fs.listStatus(index, p -> p.getName().startsWith(prefix))) {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file.getPath()), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          Tuple2<String, Location> entry = indexLine(line, dir, file.getPath().toString());
          if (entry != null) {
            written.putIfAbsent(entry._1(), entry._2());
          }
        }
      }
    }
    return written;
  }

  private static String partitionPrefix(int partition) {
    return String.format("p%05d-", Math.max(0, partition));
  }

  /** Reads one index line; the segment is the index file's twin under {@code segments/}. */
  private static Tuple2<String, Location> indexLine(String line, String dir, String indexFile) {
    String[] parts = line.split("\t");
    if (parts.length != 3 || parts[0].length() != 64) {
      return null;
    }
    Path file = new Path(indexFile);
    String run = file.getParent().getName();
    String name = file.getName().replaceAll("\\.tsv$", ".jsonl");
    Path segments = new Path(dir, "segments");
    String segment = (run.equals(LEGACY_RUN) ? new Path(segments, name) : new Path(new Path(segments, run), name)).toString();
    try {
      return new Tuple2<>(parts[0], new Location(segment, Long.parseLong(parts[1]), Integer.parseInt(parts[2])));
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
    String name = partitionPrefix(partition) + UUID.randomUUID();
    FileSystem fs = fs();
    FSDataOutputStream index = fs.create(new Path(new Path(new Path(dir, "index"), runId), name + ".tsv"), false);
    FSDataOutputStream data = fs.create(new Path(new Path(new Path(dir, "segments"), runId), name + ".jsonl"), false);
    if (!data.hasCapability(StreamCapabilities.HFLUSH)) {
      LOG.warn("the response cache at {} is on a file system that cannot flush open files: answers are stored when a task"
          + " ends, so a killed task's answers are paid for again. Put llm.cache-dir on HDFS or a local disk.", dir);
    }
    return new Writer(data, index);
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
   * Indexes segments written before the cache had an index ({@code segments/UUID.jsonl}); runs
   * once per such segment. Segments of the current layout always have their index from the
   * start, so a segment that a live task is writing is never indexed here.
   */
  void indexLegacySegments() {
    Path segments = new Path(dir, "segments");
    try {
      FileSystem fs = fs();
      if (!fs.exists(segments)) {
        return;
      }
      Path indexDir = new Path(new Path(dir, "index"), LEGACY_RUN);
      Set<String> indexed = new HashSet<>();
      if (fs.exists(indexDir)) {
        for (FileStatus f : fs.listStatus(indexDir)) {
          indexed.add(f.getPath().getName().replaceAll("\\.tsv$", ""));
        }
      }
      for (FileStatus segment : fs.listStatus(segments, p -> LEGACY_SEGMENT.matcher(p.getName()).matches())) {
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
    return FileSystems.withoutChecksums(new Path(dir).getFileSystem(hadoop.get()));
  }
}
