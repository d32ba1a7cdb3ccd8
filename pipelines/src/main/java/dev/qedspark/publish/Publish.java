package dev.qedspark.publish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qedspark.common.ConfigException;
import dev.qedspark.common.Yaml;
import dev.qedspark.io.DatasetException;
import dev.qedspark.io.FileSystems;
import dev.qedspark.io.Lineage;
import dev.qedspark.io.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Assembles a dataset folder for the Hugging Face Hub from the output folder of {@code ./qed sft}
 * or {@code ./qed rl}: its dataset card ({@code README.md}), {@code lineage.json}, and the Parquet
 * shards of every config the card names, each checked against its manifest's sha256 as it is
 * copied. Nothing else goes in (no manifests, checksum files or reports), so
 * {@code huggingface-cli upload ORG/NAME DIR --repo-type dataset} takes the folder as it is and
 * {@code load_dataset(DIR)} reads it offline.
 *
 * <p>Not a step with a run record: the folder must hold only what the Hub shows. It is written
 * beside the target and renamed into place, so a failed publish leaves no half folder and the
 * previous publish whole; a target that exists is replaced only when it holds nothing but what a
 * publish writes, so a run folder (or the input itself) is never replaced.
 */
public final class Publish {
  /**
   * What was published.
   *
   * @param folder the published folder
   * @param configs the config folders copied
   * @param files Parquet files copied
   * @param bytes their total size
   */
  public record Result(String folder, List<String> configs, int files, long bytes) {}

  private Publish() {}

  public static Result folder(Configuration hadoop, String from, String to) {
    Path source = new Path(from);
    Path target = new Path(to);
    try {
      FileSystem in = source.getFileSystem(hadoop);
      // No .crc files beside the shards: the folder holds only what the Hub shows.
      FileSystem out = FileSystems.withoutChecksums(target.getFileSystem(hadoop));
      Path card = new Path(source, DatasetCard.FILE_NAME);
      if (!in.exists(card) || !in.exists(new Path(source, Lineage.FILE_NAME))) {
        throw new ConfigException(from + " has no dataset card (" + DatasetCard.FILE_NAME + " and " + Lineage.FILE_NAME
            + "): publish takes the output folder of ./qed sft or ./qed rl (e.g. OUT/sft)");
      }
      refuseToReplace(in, source, out, target);
      List<String> folders = configFolders(in, card);
      Path staging = new Path(target.getParent(), "." + target.getName() + ".publish-" + UUID.randomUUID());
      int files = 0;
      long bytes = 0;
      try {
        out.mkdirs(staging);
        copy(in, card, out, new Path(staging, DatasetCard.FILE_NAME), null);
        copy(in, new Path(source, Lineage.FILE_NAME), out, new Path(staging, Lineage.FILE_NAME), null);
        for (String folder : folders) {
          Path dataset = new Path(source, folder);
          Manifest manifest = manifest(in, dataset);
          for (Manifest.ShardFile shard : manifest.files()) {
            copy(in, new Path(dataset, shard.path()), out, new Path(new Path(staging, folder), shard.path()), shard.sha256());
            files++;
            bytes += shard.bytes();
          }
        }
        Path previous = new Path(target.getParent(), "." + target.getName() + ".replaced-" + UUID.randomUUID());
        if (out.exists(target) && !out.rename(target, previous)) {
          throw new IOException("cannot move the previous publish " + target + " aside");
        }
        if (!out.rename(staging, target)) {
          out.rename(previous, target);
          throw new IOException("cannot rename " + staging + " to " + target);
        }
        out.delete(previous, true);
      } finally {
        if (out.exists(staging)) {
          out.delete(staging, true);
        }
      }
      return new Result(target.toString(), folders, files, bytes);
    } catch (IOException e) {
      throw new DatasetException("cannot publish " + from + " to " + to + ": " + e.getMessage(), e);
    }
  }

  /**
   * The target must be new, empty, or an earlier publish: a card, lineage.json and folders of
   * Parquet files alone. A run folder (it has {@code _run.json} or dataset manifests) is never
   * replaced, nor the source or a folder holding it.
   */
  private static void refuseToReplace(FileSystem in, Path source, FileSystem out, Path target) throws IOException {
    String from = in.makeQualified(source).toString() + "/";
    String to = out.makeQualified(target).toString() + "/";
    if (from.startsWith(to) || to.startsWith(from)) {
      throw new ConfigException("--out " + target + " and --input " + source + " overlap: publish into a folder of its own");
    }
    if (!out.exists(target)) {
      return;
    }
    for (org.apache.hadoop.fs.FileStatus entry : out.listStatus(target)) {
      String name = entry.getPath().getName();
      boolean published = name.equals(DatasetCard.FILE_NAME) || name.equals(Lineage.FILE_NAME)
          || entry.isDirectory() && java.util.Arrays.stream(out.listStatus(entry.getPath())).allMatch(f -> f.getPath().getName().endsWith(".parquet"));
      if (!published) {
        throw new ConfigException("refusing to replace " + target + ": it holds " + name + ", so it is not a folder ./qed publish wrote."
            + " Choose an empty or new folder.");
      }
    }
  }

  /** The folders the card's {@code configs:} read ({@code path: default/*.parquet} gives {@code default}). */
  static List<String> configFolders(FileSystem fs, Path card) throws IOException {
    String text;
    try (InputStream stream = fs.open(card)) {
      text = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!text.startsWith("---\n") || text.indexOf("\n---\n", 4) < 0) {
      throw new DatasetException(card + " has no YAML front matter between --- lines");
    }
    JsonNode meta = Yaml.MAPPER.readTree(text.substring(4, text.indexOf("\n---\n", 4)));
    Set<String> folders = new LinkedHashSet<>();
    for (JsonNode config : meta.path("configs")) {
      for (JsonNode files : config.path("data_files")) {
        String path = files.path("path").asText();
        if (!path.endsWith("/*.parquet") || path.contains("..")) {
          throw new DatasetException(card + ": config " + config.path("config_name").asText() + " reads " + path
              + ", not FOLDER/*.parquet");
        }
        folders.add(path.substring(0, path.length() - "/*.parquet".length()));
      }
    }
    if (folders.isEmpty()) {
      throw new DatasetException(card + " names no configs");
    }
    return new ArrayList<>(folders);
  }

  private static Manifest manifest(FileSystem fs, Path dataset) throws IOException {
    Path file = new Path(dataset, Manifest.FILE_NAME);
    if (!fs.exists(file)) {
      throw new DatasetException(dataset + " is not a complete dataset (no " + Manifest.FILE_NAME + ")");
    }
    try (InputStream stream = fs.open(file)) {
      return Manifest.JSON.readValue(stream, Manifest.class);
    }
  }

  private static void copy(FileSystem in, Path from, FileSystem out, Path to, String sha256) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream source = new DigestInputStream(in.open(from), digest); OutputStream target = out.create(to, false)) {
      source.transferTo(target);
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    if (sha256 != null && !sha256.equals(actual)) {
      throw new DatasetException(from + " changed after it was written (sha256 " + actual + ", its manifest says " + sha256
          + "): run the step that wrote it again");
    }
  }
}
