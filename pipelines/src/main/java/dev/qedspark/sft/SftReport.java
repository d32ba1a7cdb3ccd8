package dev.qedspark.sft;

import java.util.Map;

/**
 * What an SFT run wrote.
 *
 * @param proofs rows of {@code all}: teacher proofs with text
 * @param problems rows of {@code default}: one per problem
 * @param failedGenerations teacher requests that failed or were not sent, left out (no text)
 * @param gradeColumn the name of the grade column
 * @param byGrade rows of {@code all} per grade ("none": no readable grade)
 */
public record SftReport(long proofs, long problems, long failedGenerations, String gradeColumn, Map<String, Long> byGrade,
    String allPath, String defaultPath, double seconds) {}
