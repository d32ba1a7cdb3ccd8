package dev.qedspark.io;

import dev.qedspark.common.Hashes;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileChecksum;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a step's outputs depend on: the settings the step uses, the prompts it sends and the
 * content of its inputs. A step whose recorded fingerprint equals the current one, and whose
 * outputs are as it left them, is up to date and need not run again.
 *
 * @param settings sha256 of the canonical JSON of the settings the step uses (not the whole
 *     configuration: a change to progress-line intervals does not make a dataset stale)
 * @param prompts sha256 of each prompt template by name
 * @param inputs a digest of each input by path: a dataset's {@link Manifest#contentDigest()}, a
 *     file's checksum from its file system or else its size and modification time
 */
public record Fingerprint(String settings, Map<String, String> prompts, Map<String, String> inputs) {
  public Fingerprint {
    prompts = prompts == null ? Map.of() : new TreeMap<>(prompts);
    inputs = inputs == null ? Map.of() : new TreeMap<>(inputs);
  }

  /** Fingerprints a step from its settings (any records or maps), prompts and input paths. */
  public static Fingerprint of(Object settings, Map<String, String> prompts, List<String> inputs, Configuration hadoop) {
    Map<String, String> digests = new TreeMap<>();
    for (String input : inputs) {
      digests.put(input, digestOf(input, hadoop));
    }
    return new Fingerprint("sha256:" + Hashes.ofSettings(settings), prompts, digests);
  }

  /** This fingerprint with one more input. */
  public Fingerprint withInput(String name, String digest) {
    Map<String, String> more = new TreeMap<>(inputs);
    more.put(name, digest);
    return new Fingerprint(settings, prompts, more);
  }

  /** What differs from {@code previous}, in words, or null when nothing does. */
  public String differenceFrom(Fingerprint previous) {
    if (!settings.equals(previous.settings())) {
      return "its settings changed";
    }
    if (!prompts.equals(previous.prompts())) {
      List<String> changed = new ArrayList<>();
      prompts.forEach((name, hash) -> {
        if (!hash.equals(previous.prompts().get(name))) {
          changed.add(name);
        }
      });
      return "prompt " + (changed.isEmpty() ? previous.prompts().keySet() : changed) + " changed";
    }
    for (Map.Entry<String, String> input : inputs.entrySet()) {
      String before = previous.inputs().get(input.getKey());
      if (before == null) {
        return "it has a new input " + input.getKey();
      }
      if (!before.equals(input.getValue())) {
        return "its input " + input.getKey() + " changed";
      }
    }
    if (!previous.inputs().keySet().equals(inputs.keySet())) {
      return "its inputs changed";
    }
    return null;
  }

  /** A dataset's content digest; for a file or a folder of files, a digest of their checksums. */
  static String digestOf(String input, Configuration hadoop) {
    Path path = new Path(input);
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      if (fs.exists(new Path(path, Manifest.FILE_NAME))) {
        return readManifest(fs, path).contentDigest();
      }
      StringBuilder listing = new StringBuilder();
      String root = fs.makeQualified(path).toString();
      for (FileStatus file : files(fs, path)) {
        String relative = file.getPath().toString().substring(Math.min(root.length(), file.getPath().toString().length()));
        listing.append(relative.isEmpty() ? file.getPath().getName() : relative).append(' ')
            .append(fileDigest(fs, file)).append('\n');
      }
      return "sha256:" + Hashes.sha256(listing.toString());
    } catch (FileNotFoundException e) {
      throw new DatasetException("input " + input + " does not exist");
    } catch (IOException e) {
      throw new DatasetException("cannot read input " + input + " to see whether it changed: " + e.getMessage(), e);
    }
  }

  static Manifest readManifest(FileSystem fs, Path dataset) throws IOException {
    try (InputStream in = fs.open(new Path(dataset, Manifest.FILE_NAME))) {
      return Manifest.JSON.readValue(in, Manifest.class);
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      throw new DatasetException(dataset + " was written by an older version of qed-spark (" + e.getOriginalMessage()
          + "); run the step that wrote it again");
    }
  }

  private static List<FileStatus> files(FileSystem fs, Path path) throws IOException {
    FileStatus status = fs.getFileStatus(path);
    if (!status.isDirectory()) {
      return List.of(status);
    }
    List<FileStatus> files = new ArrayList<>();
    var listing = fs.listFiles(path, true);
    while (listing.hasNext()) {
      files.add(listing.next());
    }
    files.sort((a, b) -> a.getPath().toString().compareTo(b.getPath().toString()));
    return files;
  }

  /**
   * The file system's checksum where it keeps one (HDFS), else the size and modification time: a
   * check that reads no bytes, so skipped steps stay cheap. Touching a file makes its step run
   * again; it then finds its answers in the response cache.
   */
  private static String fileDigest(FileSystem fs, FileStatus file) throws IOException {
    FileChecksum checksum = fs.getFileChecksum(file.getPath());
    if (checksum != null) {
      return checksum.getAlgorithmName() + ":" + java.util.HexFormat.of().formatHex(checksum.getBytes());
    }
    return "size:" + file.getLen() + ",modified:" + file.getModificationTime();
  }
}
