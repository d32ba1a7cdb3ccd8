package dev.qedspark.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
  @Test
  void suggestsTheNearestCandidateOnlyWhenItIsClose() {
    List<String> commands = List.of("ingest", "demo", "config", "dataset");
    assertEquals(Optional.of("ingest"), Suggestions.closest("ingset", commands));
    assertEquals(Optional.of("dataset"), Suggestions.closest("datasets", commands));
    assertEquals(Optional.empty(), Suggestions.closest("train", commands));
  }

  @Test
  void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
    assertEquals(0, Suggestions.distance("abc", "abc"));
    assertEquals(1, Suggestions.distance("abc", "abd"));
    assertEquals(1, Suggestions.distance("abc", "ab"));
    assertEquals(3, Suggestions.distance("", "abc"));
  }
}
