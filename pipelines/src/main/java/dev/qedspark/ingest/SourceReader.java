package dev.qedspark.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads the files of one source into {@link IngestedRecord} rows. Line formats (JSON Lines, and
 * Parquet rendered as JSON) are split across tasks and keep their line numbers; whole-document
 * formats (JSON, CSV) are parsed one file per task, since a quoted CSV cell or a JSON array can
 * span any number of lines.
 */
final class SourceReader {
  private SourceReader() {}

  /** The files a source's path names (a file, a folder's visible files, or a glob), sorted. */
  static List<String> files(SparkSession spark, SourceSpec spec) {
    Path path = new Path(spec.path());
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] matches = fs.globStatus(path);
      List<String> files = new ArrayList<>();
      for (FileStatus match : matches == null ? new FileStatus[0] : matches) {
        if (match.isDirectory() && spec.effectiveFormat() != SourceFormat.PARQUET) {
          for (FileStatus child : fs.listStatus(match.getPath(), p -> !p.getName().startsWith(".") && !p.getName().startsWith("_"))) {
            if (child.isFile()) {
              files.add(display(child.getPath()));
            }
          }
        } else {
          files.add(display(match.getPath()));
        }
      }
      Collections.sort(files);
      return files;
    } catch (IOException e) {
      throw new IngestException("source " + spec.name() + ": cannot list " + spec.path() + ": " + e.getMessage(), e);
    }
  }

  static JavaRDD<Row> read(SparkSession spark, SourceSpec spec, List<String> files) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    RecordMapper mapper = new RecordMapper(spec);
    List<JavaRDD<IngestedRecord>> parts = new ArrayList<>();
    for (String file : files) {
      parts.add(switch (spec.effectiveFormat()) {
        case JSONL -> lines(jsc.textFile(file), mapper, file);
        case PARQUET -> lines(spark.read().parquet(file).toJSON().javaRDD(), mapper, file);
        case JSON -> jsc.binaryFiles(file).flatMap(f -> RecordParsers.jsonDocument(mapper, file, decode(f._2().toArray())).iterator());
        case CSV -> jsc.binaryFiles(file).flatMap(f -> RecordParsers.csv(mapper, file, decode(f._2().toArray())).iterator());
      });
    }
    JavaRDD<IngestedRecord> all = parts.size() == 1 ? parts.get(0) : jsc.union(parts.toArray(JavaRDD[]::new));
    return all.map(IngestedRecord.SCHEMA::toRow);
  }

  private static JavaRDD<IngestedRecord> lines(JavaRDD<String> lines, RecordMapper mapper, String file) {
    return lines.zipWithIndex().flatMap(t -> {
      IngestedRecord record = RecordParsers.jsonLine(mapper, file, t._2() + 1, t._1());
      return record == null ? Collections.emptyIterator() : Arrays.asList(record).iterator();
    });
  }

  private static String decode(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Local files are shown as plain paths, others as URIs. */
  private static String display(Path path) {
    return "file".equals(path.toUri().getScheme()) ? path.toUri().getPath() : path.toString();
  }
}
