package dev.qedspark.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qedspark.ingest.Ingest;
import dev.qedspark.ingest.InputFiles;
import dev.qedspark.io.DatasetReader;
import dev.qedspark.io.Problem;
import dev.qedspark.spark.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Curation quality on a labelled set built from the bundled data: Putnam problems as the corpus,
 * IMO-ProofBench as the benchmark, and variants of both whose right outcome is known.
 */
class CurationQualityTest extends SparkTestBase {
  @TempDir static Path dir;
  /** Expected outcome ("kept", or a removal reason) and variant kind, by problem id. */
  private static final Map<String, String[]> LABELS = new TreeMap<>();
  private static Map<String, Row> removed;
  private static CurateReport report;

  @BeforeAll
  static void curate() throws Exception {
    List<Problem> corpus = new ArrayList<>();
    JsonNode putnam = new ObjectMapper().readTree(Files.readString(Path.of("../data/corpora/putnambench/putnam.json")));
    int taken = 0;
    for (JsonNode p : putnam) {
      String text = p.path("informal_statement").asText();
      if (taken >= 30 || !p.path("problem_name").asText().startsWith("putnam_196") || text.split("\\s+").length < 30
          || !text.matches("(?s).*\\$.*") || !text.matches("(?s).*[0-9].*")) {
        continue;
      }
      String id = p.path("problem_name").asText();
      add(corpus, id, "original", "kept", text);
      if (taken % 3 == 0) {
        add(corpus, id + "-delimiters", "exact: delimiters, spacing, case", Dedupish.EXACT,
            text.replaceAll("\\$\\$([^$]+)\\$\\$", "\\\\[$1\\\\]").replaceAll("\\$([^$]+)\\$", "\\\\( $1 \\\\)")
                .replace(" ", "  ").toUpperCase().toLowerCase());
        add(corpus, id + "-prefix", "exact: prefix", Dedupish.EXACT, "Problem 7. " + text);
        String[] enumerators = {"Q7) ", "7. ", "(7) ", "#7 ", "Exercise 3.2 ", "[7 points] "};
        add(corpus, id + "-numbered", "exact: numbered prefix", Dedupish.EXACT, enumerators[(taken / 3) % enumerators.length] + text);
        add(corpus, id + "-appended", "near: appended sentence", Dedupish.NEAR, text + " Justify your answer.");
        add(corpus, id + "-constant", "different constant", "kept", changeFirstNumber(text));
        String otherQuestion = changeQuestion(text);
        if (!otherQuestion.equals(text)) {
          add(corpus, id + "-question", "different question", "kept", otherQuestion);
        }
      } else if (taken % 3 == 1) {
        String renamed = text.replaceAll("\\b([xn])\\b", "$1'");
        if (!renamed.equals(text)) {
          add(corpus, id + "-renamed", "near: renamed variable", Dedupish.NEAR, renamed);
        }
        if (!text.matches("(?s).*\\b[um]\\b.*")) {
          String relettered = text.replaceAll("\\bx\\b", "u").replaceAll("\\bn\\b", "m");
          if (!relettered.equals(text)) {
            add(corpus, id + "-relettered", "near: other variable letters", Dedupish.NEAR, relettered);
          }
        }
        String reordered = swapFirstSentences(text);
        if (!reordered.equals(text)) {
          add(corpus, id + "-reordered", "near: reordered sentences", Dedupish.NEAR, reordered);
        }
      }
      taken++;
    }
    Dataset<Row> benchmarks = Ingest.problemsOf(spark,
        InputFiles.specs(List.of("../data/benchmarks/imobench/proofbench_v2.csv"), null, true, Map.of()));
    List<Row> some = benchmarks.orderBy("problem_id").limit(12).collectAsList();
    for (int i = 0; i < some.size(); i++) {
      Problem b = Problem.SCHEMA.fromRow(some.get(i));
      String id = "copy-of-" + b.problemId();
      UnaryOperator<String> variant = switch (i % 4) {
        case 0 -> t -> t;
        case 1 -> t -> t.replaceAll("\\$([^$]+)\\$", "\\\\($1\\\\)").replace(", ", " ,  ");
        case 2 -> t -> "Problem 4. (Regional olympiad) " + t + " Explain your reasoning.";
        default -> t -> "Here is a classic exercise that students found hard. " + t + " Give all details of the argument.";
      };
      add(corpus, id, "contaminated: variant " + (i % 4), Dedupish.CONTAMINATED, variant.apply(b.problem()));
    }
    for (int i = 0; i < 2; i++) {
      String hidden = Problem.SCHEMA.fromRow(some.get(i)).problem();
      add(corpus, "bundle-" + i, "contaminated: inside a longer text", Dedupish.CONTAMINATED,
          "Practice sheet. First: " + corpus.get(3 * i).problem() + " Second: " + hidden + " Third: " + corpus.get(3 * i + 1).problem());
    }
    add(corpus, "paraphrase-PB-Basic-002", "contaminated: paraphrase", Dedupish.CONTAMINATED,
        "Let x, y, z and t be positive reals whose product xyzt is at most twice their sum. Prove that the sum of"
            + " their squares is at least their product.");
    add(corpus, "paraphrase-PB-Basic-004", "contaminated: paraphrase", Dedupish.CONTAMINATED,
        "Determine every function g from the reals to the reals which is strictly increasing and onto, and"
            + " satisfies g(g(x)) = g(x) + 20x for every real x.");
    add(corpus, "paraphrase-PB-Basic-019", "contaminated: paraphrase", Dedupish.CONTAMINATED,
        "Write $\\delta(n)$ for the greatest odd divisor of a positive integer $n$. Show that for every positive"
            + " integer $N$ the sum of $\\delta(n)/n$ over $n = 1, \\ldots, N$ differs from $2N/3$ by less than $1$.");
    Dataset<Row> rows = spark.createDataFrame(corpus.stream().map(Problem.SCHEMA::toRow).toList(), Problem.SCHEMA.schema());
    report = Curate.of(spark, rows).benchmarks(benchmarks).into(dir.resolve("out").toString()).execute();
    removed = new HashMap<>();
    for (Row r : DatasetReader.read(spark, report.removedPath()).collectAsList()) {
      removed.put(r.getAs("problem_id"), r);
    }
  }

  /** The reasons, named as the stage names them. */
  private static final class Dedupish {
    static final String EXACT = "exact_duplicate";
    static final String NEAR = "near_duplicate";
    static final String CONTAMINATED = "contaminated";
  }

  private static void add(List<Problem> corpus, String id, String kind, String expected, String text) {
    LABELS.put("t:" + id, new String[] {expected, kind});
    corpus.add(new Problem("t:" + id, text, null, null, null, "t", null, null, null, false, "test", "{}"));
  }

  private static String changeFirstNumber(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("[0-9]+").matcher(text);
    m.find();
    return text.substring(0, m.start()) + (Long.parseLong(m.group()) + 1) + text.substring(m.end());
  }

  /** Swaps the first extreme or parity word for its opposite, which asks another question. */
  private static String changeQuestion(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b(largest|smallest|maximum|minimum|odd|even|all|no)\\b").matcher(text);
    if (!m.find()) {
      return text;
    }
    String opposite = switch (m.group(1)) {
      case "largest" -> "smallest";
      case "smallest" -> "largest";
      case "maximum" -> "minimum";
      case "minimum" -> "maximum";
      case "odd" -> "even";
      case "even" -> "odd";
      case "all" -> "no";
      default -> "all";
    };
    return text.substring(0, m.start()) + opposite + text.substring(m.end());
  }

  private static String swapFirstSentences(String text) {
    String[] parts = text.split("(?<=\\.)\\s+", 3);
    return parts.length < 3 ? text : parts[1] + " " + parts[0] + " " + parts[2];
  }

  private static Map<String, double[]> recallByKind() {
    Map<String, double[]> byKind = new TreeMap<>();
    LABELS.forEach((id, label) -> {
      double[] counts = byKind.computeIfAbsent(label[1], k -> new double[2]);
      Row r = removed.get(id);
      String outcome = r == null ? "kept" : r.getAs("reason");
      counts[0] += outcome.equals(label[0]) ? 1 : 0;
      if (!outcome.equals(label[0])) {
        System.out.printf("curation quality: %s (%s) was %s%n", id, label[1], outcome);
      }
      if (r != null && outcome.equals(Dedupish.CONTAMINATED)) {
        System.out.printf("curation quality: %s (%s): shared 13-grams %s, cosine %s%n", id, label[1],
            r.getAs("shared_ngrams"), r.getAs("cosine"));
      }
      counts[1] += 1;
    });
    byKind.forEach((kind, c) -> System.out.printf("curation quality: %-36s %2.0f/%2.0f as expected%n", kind, c[0], c[1]));
    return byKind;
  }

  @Test
  void everyRemovalIsRightAndEveryCopyOrNotationVariantIsCaught() {
    Map<String, double[]> recall = recallByKind();
    long wrongRemovals = removed.keySet().stream().filter(id -> LABELS.get(id)[0].equals("kept")).count();
    assertEquals(0, wrongRemovals, "precision: originals and different-constant problems are kept");
    for (String kind : List.of("exact: delimiters, spacing, case", "exact: prefix", "exact: numbered prefix", "near: appended sentence",
        "near: renamed variable",
        "contaminated: inside a longer text", "contaminated: variant 0", "contaminated: variant 1", "contaminated: variant 2", "contaminated: variant 3")) {
      double[] c = recall.get(kind);
      assertEquals(c[1], c[0], "all of " + kind);
    }
    assertTrue(recall.get("near: reordered sentences")[0] >= recall.get("near: reordered sentences")[1] / 2,
        "most sentence reorderings are near duplicates");
    assertTrue(recall.get("contaminated: paraphrase")[0] >= 2, "the embedding signal catches most paraphrases");
  }

  @Test
  void eachDecontaminationSignalCatchesWhatTheOtherMisses() {
    List<Row> contaminated = removed.values().stream().filter(r -> "contaminated".equals(r.getAs("reason"))).toList();
    assertTrue(contaminated.stream().anyMatch(r -> r.isNullAt(r.fieldIndex("cosine"))),
        "some copies are caught by shared n-grams alone");
    assertTrue(contaminated.stream().anyMatch(r -> r.isNullAt(r.fieldIndex("shared_ngrams"))),
        "some paraphrases are caught by embeddings alone");
  }

  @Test
  void removedRowsCarryTheirEvidence() {
    Row copy = removed.get("t:copy-of-proofbench_v2:PB-Advanced-001");
    assertEquals("proofbench_v2:PB-Advanced-001", copy.getAs("matched_id"));
    assertTrue(copy.<Integer>getAs("shared_ngrams") > 5);
    Row exact = removed.values().stream().filter(r -> "exact_duplicate".equals(r.getAs("reason"))).findFirst().orElseThrow();
    assertEquals(1.0, exact.<Double>getAs("similarity"));
    Row near = removed.values().stream().filter(r -> "near_duplicate".equals(r.getAs("reason"))).findFirst().orElseThrow();
    assertTrue(near.<Double>getAs("similarity") >= 0.75);
    assertTrue(report.benchmarks() >= 60, "the benchmark file's problems are the reference set");
    assertEquals(0, DatasetReader.read(spark, report.curatedPath()).filter("benchmark").count(), "benchmarks are not curated");
  }
}
