package dev.qedspark.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceEmbedderTest {
  @Test
  void paraphrasesAreCloserThanOtherProblems() {
    SentenceEmbedder embedder = SentenceEmbedder.shared();
    float[][] e = embedder.embed(List.of(
        "Prove that there are infinitely many prime numbers.",
        "Show that the set of primes is infinite.",
        "Find all real x such that x squared equals 4."));
    assertEquals(SentenceEmbedder.DIMENSIONS, e[0].length);
    assertEquals(1.0, SentenceEmbedder.cosine(e[0], e[0]), 1e-4, "unit length");
    double paraphrase = SentenceEmbedder.cosine(e[0], e[1]);
    double other = SentenceEmbedder.cosine(e[0], e[2]);
    assertTrue(paraphrase > 0.7 && paraphrase > other + 0.3, "paraphrase " + paraphrase + ", other " + other);

    List<String> many = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      many.add("Let n be a positive integer greater than " + i + ". Prove that n squared is at least " + (2 * i) + " times n minus " + (i * i) + ".");
    }
    long started = System.nanoTime();
    embedder.embed(many.subList(0, 32));
    embedder.embed(many.subList(32, 64));
    System.out.printf("all-MiniLM-L6-v2: %.0f texts/s on this machine%n", 64 / ((System.nanoTime() - started) / 1e9));
  }

  @Test
  void onnxRuntimeLoadsItsLibrariesFromOneFolderOfOurs() {
    SentenceEmbedder.shared();
    String folder = System.getProperty("onnxruntime.native.path");
    org.junit.jupiter.api.Assumptions.assumeTrue(dev.qedspark.common.NativeLibraries.linuxArch() != null, "Linux only");
    org.junit.jupiter.api.Assertions.assertNotNull(folder, "not a fresh onnxruntime-java* temp folder per run");
    org.junit.jupiter.api.Assertions.assertTrue(java.nio.file.Files.isRegularFile(java.nio.file.Path.of(folder, "libonnxruntime.so")), folder);
    org.junit.jupiter.api.Assertions.assertTrue(java.nio.file.Path.of(folder).getFileName().toString().startsWith("onnxruntime-"), folder);
  }
}
