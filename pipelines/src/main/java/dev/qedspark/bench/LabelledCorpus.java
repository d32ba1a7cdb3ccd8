package dev.qedspark.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qedspark.common.ProjectPaths;
import dev.qedspark.io.Problem;
import dev.qedspark.text.MathNormalizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A synthetic corpus whose near duplicates are known. Distinct problems join two bundled
 * statements (PutnamBench and miniF2F), no pair twice, so no two of them are near duplicates.
 * Every {@link #COPY_EVERY}th distinct problem gets a planted copy of one {@link #KINDS kind};
 * {@code original_id} names the problem it copies (null for the distinct ones). Rows are made on
 * the executors: nothing of the corpus is held by the driver.
 *
 * <p>Problems that share a statement share about a third of their shingles, and now and then a
 * band key. Drawn from one pool, their number would grow with the square of the corpus, and so
 * would the cost of checking them. So the corpus grows in generations of {@link #GENERATION}
 * problems: generation g is generation 0 with g's tag, a word of its own, after every
 * {@link #TAG_EVERY}th token (tokens as the normalizer splits them: words, LaTeX commands,
 * numbers, symbols). Every shingle of {@link #TAG_EVERY} + 1 tokens or more then holds a tag, so
 * problems of different generations share none, formulas included.
 */
public final class LabelledCorpus {
  /** How the planted copies differ from their originals. */
  public static final List<String> KINDS = List.of("appended_sentence", "numbered_prefix", "latex_spelling", "renamed_variables", "word_dropped");
  public static final int COPY_EVERY = 10;
  /** Distinct problems per generation. */
  public static final int GENERATION = 22_000;
  public static final StructType SCHEMA = new StructType()
      .add("problem_id", DataTypes.StringType, false)
      .add("problem", DataTypes.StringType, false)
      .add("original_id", DataTypes.StringType, true)
      .add("kind", DataTypes.StringType, true);
  /** Tokens between two tags: below the 5-word shingles of dedup and the 13-grams of decontamination. */
  public static final int TAG_EVERY = 4;
  private static final Pattern SINGLE_LETTER = Pattern.compile("(?<![A-Za-z\\\\])[a-zA-Z](?![A-Za-z])");
  /** A token as {@link MathNormalizer} splits text: a LaTeX command, a number, a symbol, or a word. */
  private static final Pattern TOKEN = Pattern.compile(MathNormalizer.TOKEN_PATTERN + "|[a-zA-Z]+");

  private LabelledCorpus() {}

  /** The bundled statements the corpus is made of, from the project's {@code data/} folder. */
  public static List<String> seeds() {
    return seeds(Path.of(ProjectPaths.resolve("data")));
  }

  /** The statements of PutnamBench and miniF2F under {@code data}. */
  public static List<String> seeds(Path data) {
    List<String> seeds = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try {
      json.readTree(Files.readString(data.resolve("corpora/putnambench/putnam.json")))
          .forEach(p -> seeds.add(p.path("informal_statement").asText()));
      for (String line : Files.readAllLines(data.resolve("corpora/minif2f/minif2f_informal.jsonl"))) {
        seeds.add(json.readTree(line).path("informal_statement").asText());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the bundled corpora in " + data + "/corpora are needed for the benchmark corpus: " + e.getMessage(), e);
    }
    return seeds;
  }

  /** {@code distinct} distinct problems plus one planted copy per {@link #COPY_EVERY}. */
  public static Dataset<Row> of(SparkSession spark, List<String> seeds, int distinct, int partitions) {
    int copies = (distinct + COPY_EVERY - 1) / COPY_EVERY;
    List<Integer> slices = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      slices.add(i);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(jsc.parallelize(slices, partitions).flatMap(slice -> {
      List<Row> rows = new ArrayList<>();
      for (int i = slice; i < distinct + copies; i += partitions) {
        if (i < distinct) {
          rows.add(RowFactory.create(id(i), distinctProblem(seeds, i), null, null));
        } else {
          int original = (i - distinct) * COPY_EVERY;
          String kind = KINDS.get((i - distinct) % KINDS.size());
          rows.add(RowFactory.create(id(i), copy(distinctProblem(seeds, original), kind, original), id(original), kind));
        }
      }
      return rows.iterator();
    }), SCHEMA);
  }

  private static String id(int i) {
    return String.format("b%07d", i);
  }

  /**
   * Seeds a and a + d (d below half the seeds, so no pair is another pair reversed); past
   * generation 0, with the generation's tag after every {@link #TAG_EVERY}th token.
   */
  static String distinctProblem(List<String> seeds, int i) {
    int n = seeds.size();
    int maxStep = (n - 1) / 2;
    if (GENERATION > n * maxStep) {
      throw new IllegalArgumentException(n + " seeds make fewer than " + GENERATION + " distinct pairs");
    }
    int j = i % GENERATION;
    int a = j % n;
    int d = 1 + (j / n) % maxStep;
    String text = seeds.get(a) + " " + seeds.get((a + d) % n);
    int generation = i / GENERATION;
    return generation == 0 ? text : tagged(text, tag(generation));
  }

  /** {@code text} with {@code tag} after every {@link #TAG_EVERY}th token. */
  private static String tagged(String text, String tag) {
    StringBuilder out = new StringBuilder();
    Matcher token = TOKEN.matcher(text);
    int copied = 0;
    for (int count = 1; token.find(); count++) {
      if (count % TAG_EVERY == 0) {
        out.append(text, copied, token.end()).append(' ').append(tag).append(' ');
        copied = token.end();
      }
    }
    return out.append(text, copied, text.length()).toString();
  }

  /** "qz" and the generation in base 26, in letters: "qzb" for 1, "qzbb" for 27 (no word or formula of the seeds holds it). */
  private static String tag(int generation) {
    StringBuilder tag = new StringBuilder();
    for (int g = generation; g > 0; g /= 26) {
      tag.insert(0, (char) ('a' + g % 26));
    }
    return "qz" + tag;
  }

  static String copy(String text, String kind, int salt) {
    return switch (kind) {
      case "appended_sentence" -> text + " Justify your answer.";
      case "numbered_prefix" -> "Problem " + (salt % 40 + 1) + ". " + text;
      case "latex_spelling" -> text.replace("\\leq", "\\le").replace("\\geq", "\\ge").replace("\\dfrac", "\\frac").replace("$", " $ ");
      case "renamed_variables" -> renamed(text);
      case "word_dropped" -> wordDropped(text);
      default -> throw new IllegalArgumentException("no copy kind " + kind);
    };
  }

  /**
   * Every single-letter variable shifted one letter on, in formulas and in prose alike, capitals
   * too (x to y, z to b, P to Q; "a" and "A" stay, as the article would).
   */
  private static String renamed(String text) {
    return SINGLE_LETTER.matcher(text).replaceAll(m -> {
      char c = m.group().charAt(0);
      char a = Character.isUpperCase(c) ? 'A' : 'a';
      return c == a ? String.valueOf(c) : String.valueOf((char) (a + 1 + (c - a) % 25));
    });
  }

  /** The corpus as {@code problems} rows ({@link Problem}), as ingest would write them. */
  public static Dataset<Row> asProblems(Dataset<Row> corpus) {
    return corpus.sparkSession().createDataFrame(corpus.select("problem_id", "problem").javaRDD().map(r -> Problem.SCHEMA.toRow(
        new Problem(r.getString(0), r.getString(1), null, null, null, "bench", null, null, null, false, "synthetic", "{}"))),
        Problem.SCHEMA.schema());
  }

  /** The text without one "the" past its middle (no number, formula or question word goes). */
  private static String wordDropped(String text) {
    int at = text.indexOf(" the ", text.length() / 2);
    at = at < 0 ? text.indexOf(" the ") : at;
    return at < 0 ? text + " Show your work." : text.substring(0, at) + text.substring(at + 4);
  }
}
