package dev.qedspark.bench;

/**
 * One figure of a benchmark run and, when there is one, the same figure for the baseline a user
 * would pick instead, measured in the same run on the same input.
 *
 * @param section what is measured (near-duplicates, decontamination, ...)
 * @param what the figure's name
 * @param size problems, texts or requests it was measured on
 * @param value the figure
 * @param unit its unit; "higher is better" holds for every unit but seconds
 * @param baseline what the baseline is, or null
 * @param baselineValue the baseline's figure in the same unit, or null
 * @param note anything a reader needs to read the figure right (recall, settings), or ""
 */
public record Measurement(String section, String what, long size, double value, String unit, String baseline, Double baselineValue,
    String note) {

  public static Measurement of(String section, String what, long size, double value, String unit, String note) {
    return new Measurement(section, what, size, value, unit, null, null, note);
  }

  public Measurement against(String baseline, double baselineValue) {
    return new Measurement(section, what, size, value, unit, baseline, baselineValue, note);
  }

  public Measurement withNote(String more) {
    return new Measurement(section, what, size, value, unit, baseline, baselineValue, note.isEmpty() ? more : note + "; " + more);
  }

  /** How many times better than the baseline (for seconds: baseline / value), or null. */
  public Double speedup() {
    if (baselineValue == null || value == 0 || baselineValue == 0) {
      return null;
    }
    return unit.equals("s") ? baselineValue / value : value / baselineValue;
  }
}
