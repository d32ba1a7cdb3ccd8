package dev.qedspark.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Statuses and SQL literals: what every stage's SQL is built from. */
class StatusTest {
  @Test
  void statusesAreDistinctWordsThatSqlQuotes() {
    Set<String> ids = Arrays.stream(Status.values()).map(Status::id).collect(Collectors.toSet());
    assertEquals(Status.values().length, ids.size(), "no two statuses share a word");
    assertEquals("'not_sent'", Status.NOT_SENT.sql());
    assertEquals("status IN ('error', 'not_sent')", Status.requestFailed("status"));
    assertEquals("grade_status IN ('parse_error', 'api_error')", Status.in("grade_status", Status.PARSE_ERROR, Status.API_ERROR));
  }

  @Test
  void aLiteralKeepsQuotesAndBackslashesAsText() {
    assertEquals("'too_easy'", Sql.literal("too_easy"));
    assertEquals("'it\\'s'", Sql.literal("it's"));
    assertEquals("'a\\\\b'", Sql.literal("a\\b"));
  }
}
