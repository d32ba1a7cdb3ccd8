package dev.qedspark.ingest;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/** Checks Parquet inputs on the driver before Spark reads them, so that one bad file cannot stop the job. */
final class ParquetFiles {
  private ParquetFiles() {}

  /** Null when every Parquet file at {@code path} (a file or a folder of part files) has a readable footer; else why not. */
  static String unreadable(Configuration hadoop, String path) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(hadoop);
      FileStatus status = fs.getFileStatus(p);
      FileStatus[] files = status.isDirectory()
          ? fs.listStatus(p, f -> !f.getName().startsWith(".") && !f.getName().startsWith("_"))
          : new FileStatus[] {status};
      for (FileStatus file : files) {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(file, hadoop))) {
          reader.getFooter();
        } catch (IOException | RuntimeException e) {
          String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
          return file.getPath().getName() + " is not a readable Parquet file (not Parquet, or cut short): " + why;
        }
      }
      return null;
    } catch (IOException e) {
      return "cannot read " + path + ": " + e.getMessage();
    }
  }
}
