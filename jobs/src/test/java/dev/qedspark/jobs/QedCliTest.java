package dev.qedspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QedCliTest {
  @TempDir Path dir;

  /** What one command line printed and returned. */
  record Outcome(int code, String out, String err) {}

  private static Outcome qed(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Qed.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpListsEveryCommandWithOneLineEach() {
    Outcome help = qed("--help");
    assertEquals(0, help.code());
    for (String command : new String[] {"ingest", "demo", "config", "dataset"}) {
      assertTrue(help.out().contains("\n  " + command + " "), command + " missing from:\n" + help.out());
    }
    assertEquals(2, qed().code(), "no command at all is a usage error");
  }

  @Test
  void checkAnswerShowsTheExtractedAnswerTheNormalizedFormsAndTheRule() {
    Outcome equal = qed("check-answer", "--gold", "\\frac{1}{2}", "--response", "Thus $\\boxed{0.5}$.");
    assertEquals(0, equal.code(), equal.err());
    assertTrue(equal.out().contains("verdict:    EQUAL (rule: symbolic)"), equal.out());
    assertTrue(equal.out().contains("extracted:  0.5"), equal.out());
    Outcome scope = qed("check-answer", "--gold", "2^{n}-1", "--answer", "2^{n-1}");
    assertTrue(scope.out().contains("verdict:    DIFFERENT"), scope.out());
    assertTrue(scope.out().contains("answer:     2^{n-1}"), scope.out());
    Outcome noBox = qed("check-answer", "--gold", "34", "--response", "so we get $34$");
    assertTrue(noBox.out().contains("none (boxed finds no final answer)"), noBox.out());
    Outcome lastMath = qed("check-answer", "--gold", "34", "--response", "so we get $34$", "--set", "eval.answer-extraction=boxed-then-last-math");
    assertTrue(lastMath.out().contains("verdict:    EQUAL"), lastMath.out());
    Outcome tolerance = qed("check-answer", "--gold", "3.14159", "--answer", "3.1416", "--set", "eval.numeric-tolerance=1e-4");
    assertTrue(tolerance.out().contains("EQUAL (rule: numeric (tolerance))"), tolerance.out());
    assertEquals(2, qed("check-answer", "--gold", "1").code(), "no response is a usage error");
    assertEquals(2, qed("check-answer", "--gold", "1", "--answer", "1", "--response", "1").code(), "two responses are a usage error");
    assertEquals(2, qed("check-answer", "--gold", "1", "--answer", "1", "--set", "eval.answer-extraction=last").code());
  }

  @Test
  void eachCommandExplainsItsOptions() {
    Outcome help = qed("ingest", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().startsWith("Usage: ./qed ingest --out DIR [--input FILE...]"), help.out());
    for (String option : new String[] {"--out DIR", "--input FILE", "--map FIELD=COLUMN", "--format FORMAT", "--conf FILE", "--set KEY=VALUE"}) {
      assertTrue(help.out().contains(option), option + " missing from:\n" + help.out());
    }
    assertEquals(qed("help", "demo").out(), qed("demo", "--help").out());
  }

  @Test
  void mistakesOnTheCommandLineExitWithCodeTwoAndSayWhatToFix() {
    Outcome unknownCommand = qed("ingset");
    assertEquals(2, unknownCommand.code());
    assertTrue(unknownCommand.err().contains("unknown command 'ingset'; did you mean 'ingest'?"), unknownCommand.err());

    Outcome unknownOption = qed("ingest", "--out", "x", "--inptu", "f.jsonl");
    assertEquals(2, unknownOption.code());
    assertTrue(unknownOption.err().contains("unknown option --inptu for 'ingest'; did you mean --input?"), unknownOption.err());

    Outcome missingRequired = qed("ingest");
    assertEquals(2, missingRequired.code());
    assertTrue(missingRequired.err().contains("'ingest' needs --out DIR"), missingRequired.err());

    Outcome missingValue = qed("ingest", "--out");
    assertEquals(2, missingValue.code());
    assertTrue(missingValue.err().contains("--out needs a value"), missingValue.err());

    Outcome badConfig = qed("config", "show", "--set", "datasets.shards=lots");
    assertEquals(2, badConfig.code());
    assertTrue(badConfig.err().contains("'lots' is not an integer"), badConfig.err());

    Outcome mapWithoutInput = qed("ingest", "--out", "x", "--map", "problem=body");
    assertEquals(2, mapWithoutInput.code());
    assertTrue(mapWithoutInput.err().contains("apply to --input files"), mapWithoutInput.err());
  }

  @Test
  void configShowPrintsTheLayeredConfigurationWithSecretsMasked() throws IOException {
    Path conf = Files.writeString(dir.resolve("c.yaml"), "datasets:\n  shards: 12\n");
    Outcome shown = qed("config", "show", "--conf", conf.toString(),
        "--set", "spark.conf.spark.hadoop.fs.s3a.secret.key=hunter2", "--set", "datasets.compression=snappy");
    assertEquals(0, shown.code(), shown.err());
    assertTrue(shown.out().contains("shards: 12"), shown.out());
    assertTrue(shown.out().contains("compression: snappy"), shown.out());
    assertFalse(shown.out().contains("hunter2"), shown.out());
  }

  @Test
  void ingestReadsAnInputFileAndWritesDatasetsAQuarantineAndAReport() throws IOException {
    Path input = Files.writeString(dir.resolve("forum.jsonl"),
        "{\"post\": 1, \"body\": \"Prove that there are infinitely many primes.\"}\n"
            + "{\"post\": 2, \"body\": \n"
            + "{\"post\": 3, \"body\": \"Find all $n$ with $n^2 = n$.\", \"answer\": \"0, 1\"}\n");
    Path out = dir.resolve("out");
    Outcome run = qed("ingest", "--out", out.toString(), "--input", input.toString(),
        "--map", "problem=body", "--map", "problem_id=post", "--set", "spark.master=local[2]", "--set", "datasets.shards=2");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("ingest: 2 problems, 1 quarantined"), run.out());

    JsonNode report = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
    assertEquals(1, report.get("quarantine_reasons").get("malformed_json").asLong());
    JsonNode manifest = new ObjectMapper().readTree(Files.readString(out.resolve("problems/.manifest.json")));
    assertEquals(2, manifest.get("rows").asLong());
    assertEquals(2, manifest.get("files").size(), "--set datasets.shards applies");

    Outcome verified = qed("dataset", out.resolve("problems").toString(), out.resolve("quarantine").toString(),
        "--set", "spark.master=local[2]");
    assertEquals(0, verified.code(), verified.err());
    assertTrue(verified.out().contains("ok, problems, 2 rows in 2 shards"), verified.out());
    assertTrue(verified.out().contains("ok, quarantine, 1 rows"), verified.out());
  }

  @Test
  void aCommandSkipsWhenUpToDateAndRunsAgainWhenForcedOrChanged() throws IOException {
    Path input = Files.writeString(dir.resolve("few.jsonl"), "{\"id\": 1, \"problem\": \"Prove that 2 is prime.\"}\n");
    Path out = dir.resolve("out");
    String[] ingest = {"ingest", "--out", out.toString(), "--input", input.toString(), "--set", "spark.master=local[2]"};
    Outcome first = qed(ingest);
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().contains("[1/1] ingest: runs, because it has not run"), first.out());
    String runId = runId(out);

    Outcome again = qed(ingest);
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("[1/1] ingest: skipped, up to date (" + out + "); --force runs it again"), again.out());
    assertFalse(again.out().contains("1 problems"), "a skipped step does no work: " + again.out());
    assertEquals(runId, runId(out), "nothing was committed");

    Outcome forced = qed(concat(ingest, new String[] {"--force"}));
    assertEquals(0, forced.code(), forced.err());
    assertTrue(forced.out().contains("[1/1] ingest: runs, because forced") && forced.out().contains("ingest: 1 problems"), forced.out());
    assertFalse(runId.equals(runId(out)), "--force commits a new run");

    Outcome changed = qed(concat(ingest, new String[] {"--set", "datasets.shards=3"}));
    assertEquals(0, changed.code(), changed.err());
    assertTrue(changed.out().contains("[1/1] ingest: runs, because its settings changed"), changed.out());
  }

  private static String runId(Path out) throws IOException {
    return new ObjectMapper().readTree(Files.readString(out.resolve("_run.json"))).get("run_id").asText();
  }

  @Test
  void curateRemovesBenchmarkCopiesAndDuplicatesOfAnIngestedCorpus() throws IOException {
    String theorem = "Let $n$ be a positive integer and let $a_1, a_2, \\ldots, a_n$ be real numbers in $[0, 1]$. "
        + "Prove that the sum of all products $a_i a_j$ over pairs $i < j$ is at most $n(n-1)/8$ plus the sum of the $a_i$.";
    String other = "Find all functions $f$ from the reals to the reals such that $f(x + y) = f(x) + f(y) + 2023 xy$ for all reals $x, y$.";
    Path corpus = Files.writeString(dir.resolve("corpus.jsonl"), String.join("\n",
        "{\"id\": \"1\", \"problem\": \"Problem 2. " + theorem.replace("\\", "\\\\") + "\"}",
        "{\"id\": \"2\", \"problem\": \"" + other.replace("\\", "\\\\") + "\"}",
        "{\"id\": \"3\", \"problem\": \"" + other.replace("$", "$$").replace("\\", "\\\\") + "\"}",
        "{\"id\": \"4\", \"problem\": \"Compute the number of primes below 2023.\"}") + "\n");
    Path benchmark = Files.writeString(dir.resolve("holdout.jsonl"),
        "{\"id\": \"H1\", \"statement\": \"" + theorem.replace("\\", "\\\\") + "\"}\n");
    String[] local = {"--set", "spark.master=local[2]", "--set", "datasets.shards=1"};
    Outcome ingest = qed(concat(new String[] {"ingest", "--out", dir.resolve("in").toString(), "--input", corpus.toString()}, local));
    assertEquals(0, ingest.code(), ingest.err());
    Outcome curate = qed(concat(new String[] {"curate", "--problems", dir.resolve("in/problems").toString(),
        "--out", dir.resolve("cur").toString(), "--benchmark", benchmark.toString()}, local));
    assertEquals(0, curate.code(), curate.err());
    assertTrue(curate.out().contains("2 problems kept, 2 removed (contaminated 1, exact_duplicate 1)"), curate.out());
    JsonNode report = new ObjectMapper().readTree(Files.readString(dir.resolve("cur/report.json")));
    assertEquals(1, report.get("benchmarks").asLong());
    assertEquals(13, report.get("decontam").get("ngram_size").asInt(), "the report names the settings used");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void aMissingInputStopsACommandBeforeAnyWork() {
    Outcome run = qed("filter", "--problems", dir.resolve("nowhere").toString(), "--out", dir.resolve("tags").toString(),
        "--set", "spark.master=local[2]");
    assertEquals(2, run.code(), run.err());
    assertTrue(run.err().contains("step filter reads problems from " + dir.resolve("nowhere") + ", which does not exist"), run.err());
    assertFalse(Files.exists(dir.resolve("tags")), "nothing was written");
  }

  @Test
  void ingestOfAMissingFileFailsWithTheFileNamed() {
    Outcome run = qed("ingest", "--out", dir.resolve("out").toString(), "--input", dir.resolve("nope.jsonl").toString(),
        "--set", "spark.master=local[2]");
    assertEquals(1, run.code());
    assertTrue(run.err().contains("no input files found for nope: " + dir.resolve("nope.jsonl")), run.err());
  }
}
