package dev.qedspark.ingest;

import java.io.IOException;
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

  static JavaRDD<Row> read(SparkSession spark, SourceSpec spec, List<String> files, int maxTextChars) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    RecordMapper mapper = new RecordMapper(spec, maxTextChars);
    List<JavaRDD<IngestedRecord>> parts = new ArrayList<>();
    for (String file : files) {
      parts.add(switch (spec.effectiveFormat()) {
        case JSONL -> byteLines(jsc, file, mapper);
        case PARQUET -> parquet(spark, jsc, file, mapper);
        case JSON -> jsc.binaryFiles(file).flatMap(f -> document(f._2().toArray(), mapper, file, RecordParsers::jsonDocument).iterator());
        case CSV -> jsc.binaryFiles(file).flatMap(f -> document(f._2().toArray(), mapper, file, RecordParsers::csv).iterator());
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

  /**
   * The rows of a Parquet file (or folder) as JSON lines. A file that is not Parquet, or was cut
   * short, is one quarantined record ({@code unreadable_file}, with the reader's reason); the other
   * files of the source are still read.
   */
  private static JavaRDD<IngestedRecord> parquet(SparkSession spark, JavaSparkContext jsc, String file, RecordMapper mapper) {
    String unreadable = ParquetFiles.unreadable(spark.sparkContext().hadoopConfiguration(), file);
    if (unreadable != null) {
      return jsc.parallelize(List.of(unreadable), 1).map(why -> mapper.quarantine(file, 0, "", IngestedRecord.UNREADABLE_FILE, why));
    }
    return lines(spark.read().parquet(file).toJSON().javaRDD(), mapper, file);
  }

  /**
   * The lines of a JSON Lines file as bytes, each decoded strictly: a line that is not valid
   * UTF-8 is quarantined as {@code invalid_utf8} (its text shown with U+FFFD where the bad bytes
   * were), never read as a problem with replacement characters in it.
   */
  private static JavaRDD<IngestedRecord> byteLines(JavaSparkContext jsc, String file, RecordMapper mapper) {
    return jsc.hadoopFile(file, org.apache.hadoop.mapred.TextInputFormat.class, org.apache.hadoop.io.LongWritable.class,
            org.apache.hadoop.io.Text.class)
        .map(t -> java.util.Arrays.copyOf(t._2().getBytes(), t._2().getLength())) // Hadoop reuses the Text object
        .zipWithIndex()
        .flatMap(t -> {
          long line = t._2() + 1;
          Utf8.Decoded text = Utf8.decode(t._1());
          IngestedRecord record = text.badByte() >= 0
              ? mapper.quarantine(file, line, text.text(), IngestedRecord.INVALID_UTF8,
                  "bytes that are not UTF-8 at byte " + text.badByte() + " of the line")
              : RecordParsers.jsonLine(mapper, file, line, text.text());
          return record == null ? Collections.emptyIterator() : Arrays.asList(record).iterator();
        });
  }

  /** A whole-file format (JSON, CSV): a file that is not valid UTF-8 is quarantined whole, since its records cannot be told apart before decoding. */
  private static List<IngestedRecord> document(byte[] bytes, RecordMapper mapper, String file,
      DocumentParser parse) {
    Utf8.Decoded text = Utf8.decode(bytes);
    if (text.badByte() >= 0) {
      long line = 1 + text.text().substring(0, Math.min(text.text().length(), text.charAt())).chars().filter(c -> c == '\n').count();
      return List.of(mapper.quarantine(file, line, text.text(), IngestedRecord.INVALID_UTF8,
          "bytes that are not UTF-8 at byte " + text.badByte() + " (line " + line + "); the whole file is left out"));
    }
    return parse.parse(mapper, file, text.text());
  }

  /** A parser of a whole-file format. */
  @FunctionalInterface
  private interface DocumentParser {
    List<IngestedRecord> parse(RecordMapper mapper, String file, String text);
  }

  /** Local files are shown as plain paths, others as URIs. */
  private static String display(Path path) {
    return "file".equals(path.toUri().getScheme()) ? path.toUri().getPath() : path.toString();
  }
}
