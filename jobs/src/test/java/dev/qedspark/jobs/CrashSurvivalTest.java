package dev.qedspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash survival: {@code ingest}, {@code curate}, {@code infer}, the {@code datasets} chain and
 * {@code eval} run in their own JVMs, are killed with SIGKILL at a random point, and run again.
 * The finished outputs equal an uninterrupted run's: byte for byte, and for the LLM steps row for
 * row but for their latency and cache columns; after the kill no half-written dataset is there to read;
 * a killed rewrite leaves the previous dataset whole; a finished response is never asked for
 * again; the API key the jobs run with is written nowhere. The seed is printed; {@code -Dqed.crash.seed=N} repeats a run.
 */
class CrashSurvivalTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SEED = Long.getLong("qed.crash.seed", System.nanoTime());
  /** Every child job runs with this API key set; it must reach the server and nothing else. */
  private static final String API_KEY = "sk-crash-test-" + Long.toHexString(SEED) + "-do-not-leak";
  @TempDir Path dir;
  private final Random random = new Random(SEED);

  @Test
  void ingestAndCurateKilledAtRandomPointsFinishAsIfNeverKilled() throws Exception {
    System.out.println("crash survival seed " + SEED);
    Path corpus = dir.resolve("corpus.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      String text = "Prove that for every integer $n > " + (i % 997) + "$ the number $n^" + (2 + i % 5) + " + " + i + "$ has a prime factor"
          + (i % 10 == 0 ? " larger than " + i : "") + ".";
      lines.add(i % 50 == 3 ? "{\"id\": \"broken " + i : JSON.writeValueAsString(Map.of("id", "p" + i, "problem", text)));
    }
    Files.write(corpus, lines);

    String[] ingest = {"ingest", "--input", corpus.toString()};
    double seconds = run(dir.resolve("ref"), "ingest", ingest);
    killAndResume(dir.resolve("crash"), "ingest", seconds, ingest);
    for (String dataset : List.of("problems", "quarantine")) {
      assertEquals(files(dir.resolve("ref/ingest").resolve(dataset)), files(dir.resolve("crash/ingest").resolve(dataset)),
          "ingest's " + dataset + " after a kill and a re-run equals an uninterrupted run's, byte for byte");
    }

    String[] curate = {"curate", "--problems", dir.resolve("ref/ingest/problems").toString(), "--no-default-benchmarks",
        "--set", "curate.decontam.embeddings=false"};
    seconds = run(dir.resolve("ref"), "curate", curate);
    killAndResume(dir.resolve("crash"), "curate", seconds, curate);
    Map<String, String> curated = files(dir.resolve("ref/curate/curated"));
    assertEquals(curated, files(dir.resolve("crash/curate/curated")), "curated equals the uninterrupted run's, byte for byte");
    assertEquals(files(dir.resolve("ref/curate/removed")), files(dir.resolve("crash/curate/removed")));

    List<String> force = new ArrayList<>(List.of(curate));
    force.add("--force");
    Process rewrite = start(dir.resolve("crash"), "curate", force.toArray(String[]::new));
    Thread.sleep((long) (1000 * seconds * (0.3 + 0.6 * random.nextDouble())));
    rewrite.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    assertEquals(curated, files(dir.resolve("crash/curate/curated")), "a rewrite killed midway leaves the previous dataset whole");
  }

  @Test
  void inferKilledMidRunAsksNothingAgainThatItHadFinished() throws Exception {
    System.out.println("crash survival seed " + SEED);
    Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
    HttpServer server = chatServer(40, (request, authorization) -> {
      String prompt = JSON.readTree(request).path("messages").path(0).path("content").asText();
      if (!("Bearer " + API_KEY).equals(authorization)) {
        prompt = "no api key: " + prompt;
      }
      asked.computeIfAbsent(prompt, p -> new AtomicInteger()).incrementAndGet();
      return "re: " + prompt;
    });
    try {
      int n = 240;
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        lines.add(JSON.writeValueAsString(Map.of("custom_id", "r" + i, "body", Map.of("messages", List.of(Map.of("role", "user",
            "content", "question " + i))))));
      }
      Path batch = Files.write(dir.resolve("batch.jsonl"), lines);
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
      String[] infer = {"infer", "--input", batch.toString(), "--endpoint", url, "--model", "counted", "--concurrency", "2"};
      Process first = start(dir.resolve("crash"), "infer", infer);
      long deadline = System.currentTimeMillis() + 120_000;
      int killAt = 20 + random.nextInt(n / 2);
      while (asked.size() < killAt && first.isAlive() && System.currentTimeMillis() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(first.isAlive(), "the job is still sending when it is killed");
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      int askedBeforeKill = asked.size();
      assertFalse(Files.exists(dir.resolve("crash/infer/output.jsonl")), "no output file before the run ends");

      run(dir.resolve("crash"), "infer", infer);
      assertEquals(n, asked.size(), "every request was sent");
      assertOnlyInFlightRequestsSentAgain("infer, killed after " + askedBeforeKill + " requests", asked);
      List<String> output = Files.readAllLines(dir.resolve("crash/infer/output.jsonl"));
      assertEquals(n, output.size(), "one output line per request");
      for (String line : output) {
        JsonNode row = JSON.readTree(line);
        assertEquals("re: question " + row.path("custom_id").asText().substring(1),
            row.path("response").path("body").path("choices").path(0).path("message").path("content").asText(),
            "each answer is its own request's, sent with the API key");
      }

      Path shown = dir.resolve("crash/config-show.txt");
      Process config = start(dir.resolve("crash"), "config", "config", "show", "--set", "llm.endpoint=" + url);
      config.waitFor(120, TimeUnit.SECONDS);
      assertEquals(0, config.exitValue(), tail(dir.resolve("crash/config.log")));
      Files.copy(dir.resolve("crash/config.log"), shown);
      assertEquals(List.of(), filesHolding(dir.resolve("crash"), API_KEY),
          "the API key is in no log, manifest, output, cache entry or config listing");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void datasetsChainAndEvalKilledAtRandomPointsFinishWithTheSameRowsAndAskNothingTwice() throws Exception {
    System.out.println("crash survival seed " + SEED);
    Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
    HttpServer server = chatServer(15, (request, authorization) -> {
      asked.computeIfAbsent(request, b -> new AtomicInteger()).incrementAndGet();
      String content = answerTo(request);
      return content == null ? "?" : content;
    });
    try {
      String[] llm = {"--set", "llm.endpoint=http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "--set", "llm.model=scripted",
          "--set", "llm.concurrency=2", "--set", "llm.retry.max-attempts=1", "--set", "llm.seed=1", "--set", "rl.rollouts=4"};
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        lines.add(JSON.writeValueAsString(Map.of("id", "q" + i, "problem", "Show that $n^" + (i + 2) + " - n$ is even for every integer $n$ (" + i + ").",
            "solution", "Factor it: the product of two consecutive integers appears (" + i + ").")));
      }
      run(dir.resolve("input"), "ingest", "ingest", "--input", Files.write(dir.resolve("problems.jsonl"), lines).toString());
      String[] datasets = concat(new String[] {"datasets", "--problems", dir.resolve("input/ingest/problems").toString(), "--samples", "2"}, llm);
      String[] eval = concat(new String[] {"eval", "--benchmark", "imo-proofbench", "--limit", "4", "--runs", "2", "--set",
          "ingest.sources=" + Path.of("..", "conf", "sources.yaml").toAbsolutePath().normalize()}, llm);
      for (String[] job : List.of(datasets, eval)) {
        String step = job[0];
        asked.clear();
        run(dir.resolve("ref"), step, job);
        int requests = asked.size();
        assertTrue(requests > 10 && asked.values().stream().allMatch(c -> c.get() == 1),
            step + ": an uninterrupted run asks each of its " + requests + " requests once (every sample has a seed of its own)");
        assertEquals(List.of(), asked.keySet().stream().filter(body -> answerTo(body) == null).toList(), step + ": every prompt is one the script knows");
        asked.clear();
        killAtRequestAndResume(dir.resolve("crash"), step, asked, 1 + random.nextInt(requests * 4 / 5), job);
        assertEquals(rowsOfEveryDataset(dir.resolve("ref").resolve(step)), rowsOfEveryDataset(dir.resolve("crash").resolve(step)),
            step + ": every dataset holds the uninterrupted run's rows, in the same files (timing and cache columns aside)");
        assertOnlyInFlightRequestsSentAgain(step, asked);
      }
    } finally {
      server.stop(0);
    }
  }

  /**
   * After a kill and a re-run: no request was sent more than twice, and only those in flight when
   * the job died (2 partitions x 2 in flight, and answers not yet recorded) were sent again.
   */
  private static void assertOnlyInFlightRequestsSentAgain(String job, Map<String, AtomicInteger> asked) {
    long repeated = asked.values().stream().filter(c -> c.get() > 1).count();
    assertTrue(asked.values().stream().allMatch(c -> c.get() <= 2), job + ": no request was sent more than twice");
    assertTrue(repeated <= 8, job + ": only requests in flight when the job died are sent again: " + repeated + " repeated of " + asked.size());
  }

  /** What a scripted server answers: the reply's text for a request body and its Authorization header. */
  private interface Script {
    String answer(String request, String authorization) throws IOException;
  }

  /** A started OpenAI-compatible chat server on 127.0.0.1 that answers each request after {@code delayMs}, as {@code script} says. */
  private static HttpServer chatServer(long delayMs, Script script) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/v1/chat/completions", exchange -> {
      String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String content = script.answer(request, exchange.getRequestHeaders().getFirst("Authorization"));
      try {
        Thread.sleep(delayMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] answer = JSON.writeValueAsBytes(Map.of("id", "x", "object", "chat.completion", "model", "scripted",
          "choices", List.of(Map.of("index", 0, "finish_reason", "stop", "message", Map.of("role", "assistant", "content", content))),
          "usage", Map.of("prompt_tokens", 5, "completion_tokens", 5, "total_tokens", 10)));
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
    return server;
  }

  /** The scripted model's answer to each kind of prompt the datasets chain and eval send; null for any other. */
  private static String answerTo(String request) {
    JsonNode body;
    try {
      body = JSON.readTree(request);
    } catch (IOException e) {
      return null;
    }
    String prompt = body.path("messages").path(0).path("content").asText();
    if (prompt.startsWith("You review olympiad problems")) {
      return "{\"incomplete\": false, \"difficulty\": 6, \"gaps\": false, \"wrong\": false, \"disagreement\": false, \"computational\": false}";
    }
    if (prompt.startsWith("You write marking schemes")) {
      return "{\"checkpoints\": [{\"chain\": \"A\", \"description\": \"Factor\", \"points\": 5, \"key_idea\": true},"
          + " {\"chain\": \"A\", \"description\": \"Parity\", \"points\": 2, \"key_idea\": false}]}";
    }
    if (prompt.startsWith("Solve the following")) {
      return "<think>Factor.</think>One of two consecutive integers is even (seed " + body.path("seed").asText() + ", prompt "
          + Integer.toHexString(prompt.hashCode()) + ").";
    }
    if (prompt.startsWith("You grade olympiad proofs")) {
      return "The factoring checkpoint is earned. <score>" + Math.floorMod(prompt.hashCode(), 8) + "</score>";
    }
    if (prompt.startsWith("You are an IMO grader")) {
      return "Mostly right. <points>" + List.of(7, 6, 1, 0).get(Math.floorMod(prompt.hashCode(), 4)) + " out of 7</points>";
    }
    return null;
  }

  /** Columns that describe how a run went rather than what it computed. */
  private static final java.util.Set<String> RUN_COLUMNS = java.util.Set.of("latency_ms", "cached");

  /** Every Parquet file under {@code root} (relative path) and its rows as text, without {@link #RUN_COLUMNS}. */
  private static Map<String, List<String>> rowsOfEveryDataset(Path root) throws IOException {
    Map<String, List<String>> rows = new TreeMap<>();
    org.apache.hadoop.conf.Configuration hadoop = new org.apache.hadoop.conf.Configuration();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path file : all.filter(f -> f.getFileName().toString().endsWith(".parquet") && !hidden(root.relativize(f))).toList()) {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toString());
        org.apache.parquet.schema.MessageType schema;
        try (org.apache.parquet.hadoop.ParquetFileReader footer = org.apache.parquet.hadoop.ParquetFileReader.open(
            org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(path, hadoop))) {
          schema = footer.getFileMetaData().getSchema();
        }
        hadoop.set(org.apache.parquet.hadoop.api.ReadSupport.PARQUET_READ_SCHEMA, new org.apache.parquet.schema.MessageType(schema.getName(),
            schema.getFields().stream().filter(f -> !RUN_COLUMNS.contains(f.getName())).toList()).toString());
        List<String> texts = new ArrayList<>();
        try (org.apache.parquet.hadoop.ParquetReader<org.apache.parquet.example.data.Group> reader = org.apache.parquet.hadoop.ParquetReader
            .builder(new org.apache.parquet.hadoop.example.GroupReadSupport(), path).withConf(hadoop).build()) {
          for (org.apache.parquet.example.data.Group row = reader.read(); row != null; row = reader.read()) {
            texts.add(row.toString());
          }
        }
        rows.put(root.relativize(file).toString(), texts);
      }
    }
    assertFalse(rows.isEmpty(), "datasets under " + root);
    return rows;
  }

  private static String[] concat(String[] first, String[] second) {
    String[] both = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }

  /** The files under {@code root} whose bytes contain {@code secret}. */
  private static List<Path> filesHolding(Path root, String secret) throws IOException {
    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    List<Path> holding = new ArrayList<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path file : all.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i + needle.length <= bytes.length; i++) {
          if (java.util.Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
            holding.add(file);
            break;
          }
        }
      }
    }
    return holding;
  }

  /** Kills the job at a random point of its usual run time, then runs it to the end. */
  private void killAndResume(Path root, String step, double seconds, String... args) throws Exception {
    Process victim = start(root, step, args);
    long delay = (long) (1000 * seconds * (0.2 + 0.7 * random.nextDouble()));
    Thread.sleep(delay);
    boolean killed = victim.isAlive();
    victim.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    System.out.printf("%s killed after %d ms (%s)%n", step, delay, killed ? "mid-run" : "it had already finished");
    resumeAfterKill(root, step, args);
  }

  /** Kills the job once the server has received {@code requests} of them, then runs it to the end. */
  private void killAtRequestAndResume(Path root, String step, Map<String, AtomicInteger> asked, int requests, String... args) throws Exception {
    Process victim = start(root, step, args);
    long deadline = System.currentTimeMillis() + 300_000;
    while (asked.size() < requests && victim.isAlive() && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(victim.isAlive(), step + " is still running when it is killed at request " + requests + ": " + tail(root.resolve(step + ".log")));
    victim.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    System.out.printf("%s killed at request %d%n", step, requests);
    resumeAfterKill(root, step, args);
  }

  /** Checks that no dataset the killed job left is half-written, then runs the job to its end. */
  private void resumeAfterKill(Path root, String step, String... args) throws Exception {
    for (Path dataset : datasets(root.resolve(step))) {
      JsonNode listed = JSON.readTree(dataset.resolve(".manifest.json").toFile()).path("files");
      assertEquals(listed.size(), files(dataset).size(), dataset + ": a dataset with a manifest holds exactly its listed files");
    }
    run(root, step, args);
  }

  /** The dataset folders (those with a manifest) under {@code out}, nested ones too; a run's hidden staging folders aside. */
  private static List<Path> datasets(Path out) throws IOException {
    if (!Files.isDirectory(out)) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(out)) {
      return all.filter(p -> Files.exists(p.resolve(".manifest.json")) && !hidden(out.relativize(p))).toList();
    }
  }

  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** Runs the job to its end in a new JVM; returns its wall seconds. */
  private double run(Path root, String step, String... args) throws Exception {
    long started = System.nanoTime();
    Process process = start(root, step, args);
    assertTrue(process.waitFor(300, TimeUnit.SECONDS), step + " finishes");
    assertEquals(0, process.exitValue(), step + " failed: " + tail(root.resolve(step + ".log")));
    return (System.nanoTime() - started) / 1e9;
  }

  private Process start(Path root, String step, String... args) throws IOException {
    Files.createDirectories(root);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> !a.startsWith("-Xmx")).forEach(command::add);
    command.add("-Xmx1g");
    Path classpath = Files.writeString(dir.resolve("classpath.args"), "-cp " + System.getProperty("java.class.path"));
    command.addAll(List.of("@" + classpath, Qed.class.getName()));
    command.addAll(List.of(args));
    if (!step.equals("config")) {
      command.addAll(List.of("--out", root.resolve(step).toString()));
    }
    command.addAll(List.of("--set", "spark.master=local[2]", "--set", "llm.cache-dir=" + root.resolve("cache")));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(root.resolve(step + ".log").toFile());
    builder.environment().put("QED_API_KEY", API_KEY);
    return builder.start();
  }

  /** The data files of a dataset folder (not its manifest, checksums or markers), by name, as sha256. */
  private static Map<String, String> files(Path dataset) throws Exception {
    Map<String, String> out = new TreeMap<>();
    if (!Files.isDirectory(dataset)) {
      return out;
    }
    try (Stream<Path> all = Files.walk(dataset)) {
      for (Path file : all.filter(Files::isRegularFile).toList()) {
        String name = dataset.relativize(file).toString();
        if (!file.getFileName().toString().startsWith("_") && !file.getFileName().toString().startsWith(".")) {
          out.put(name, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
        }
      }
    }
    return out;
  }

  private static String tail(Path log) throws IOException {
    String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
    return text.length() > 3000 ? "..." + text.substring(text.length() - 3000) : text;
  }
}
