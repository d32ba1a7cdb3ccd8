package dev.qedspark.dedup;

import dev.qedspark.text.Shingles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MinHashTest {
  private static List<String> words(String text) {
    return Arrays.asList(text.split(" "));
  }

  @Test
  void shinglesAreDistinctSortedAndShortTextsAreOneShingle() {
    long[] s = Shingles.of(words("a b c a b c"), 3);
    assertEquals(3, s.length, "abc, bca, cab: the repeated abc counts once");
    long[] sorted = s.clone();
    Arrays.sort(sorted);
    assertArrayEquals(sorted, s);
    assertEquals(1, Shingles.of(words("too short"), 5).length);
    assertEquals(0, Shingles.of(List.of(), 5).length);
  }

  @Test
  void signaturesAgreeAboutAsOftenAsTheTextsOverlap() {
    List<String> base = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      base.add("w" + i);
    }
    List<String> edited = new ArrayList<>(base);
    for (int i = 0; i < 200; i += 20) {
      edited.set(i, "x" + i);
    }
    long[] a = Shingles.of(base, 5);
    long[] b = Shingles.of(edited, 5);
    double jaccard = MinHash.jaccard(a, b);
    long[] sa = MinHash.signature(a, 512);
    long[] sb = MinHash.signature(b, 512);
    int agree = 0;
    for (int i = 0; i < sa.length; i++) {
      agree += sa[i] == sb[i] ? 1 : 0;
    }
    assertEquals(jaccard, agree / 512.0, 0.08, "MinHash estimates Jaccard " + jaccard);
    assertArrayEquals(sa, MinHash.signature(a, 512), "the same text gives the same signature");
    assertEquals(MinHash.bandKey(sa, 3, 6), MinHash.bandKey(MinHash.signature(a, 512), 3, 6));
  }

  @Test
  void theDefaultBandingHasTheDocumentedSCurve() {
    DedupSettings d = DedupSettings.DEFAULTS;
    assertEquals(0.27, MinHash.candidateProbability(0.5, d.bands(), d.rows()), 0.01);
    assertEquals(0.98, MinHash.candidateProbability(0.75, d.bands(), d.rows()), 0.01);
    assertTrue(MinHash.candidateProbability(0.85, d.bands(), d.rows()) > 0.999);
    assertTrue(MinHash.candidateProbability(0.3, d.bands(), d.rows()) < 0.06);
  }
}
