package dev.qedspark.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void aProgressLineSaysDoneRatesCostAndEta() {
    RunLedger.Snapshot snapshot = new RunLedger.Snapshot(60, 50, 0, 2, 5_000, 20_000, 0.125);
    assertEquals("70/170 done (20 cached, 2 errors), 5.0 req/s, 2,000 tokens/s out, $0.1250, ETA 20s",
        Progress.line(snapshot, 170, 20, 10));
  }

  @Test
  void durationsReadAsHoursMinutesAndSeconds() {
    assertEquals("45s", Progress.formatDuration(45));
    assertEquals("2m05s", Progress.formatDuration(125));
    assertEquals("3h20m", Progress.formatDuration(12_000));
  }
}
