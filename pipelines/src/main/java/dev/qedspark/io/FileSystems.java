package dev.qedspark.io;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;

/** File system choices shared by the writers of runs, datasets and the response cache. */
public final class FileSystems {
  private FileSystems() {}

  /**
   * The local file system without its .crc side files (which would clutter output folders, and
   * which a killed writer leaves out of step with the data); any other file system as it is.
   */
  public static FileSystem withoutChecksums(FileSystem fs) {
    return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
  }
}
