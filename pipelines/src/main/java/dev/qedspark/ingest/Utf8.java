package dev.qedspark.ingest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8: where bytes are not UTF-8, say where, instead of quietly putting U+FFFD in their place. */
final class Utf8 {
  private Utf8() {}

  /**
   * @param text the decoded text (with U+FFFD for bad bytes when there are some, for showing)
   * @param badByte the offset of the first byte that is not UTF-8, or -1
   * @param charAt where in {@code text} that byte's replacement is, or -1
   */
  record Decoded(String text, long badByte, int charAt) {}

  /**
   * Decodes the bytes once; only a text that then holds U+FFFD (a bad byte, or a real U+FFFD in
   * the input) is checked again, strictly and in small steps (no second copy of a large file).
   */
  static Decoded decode(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.indexOf('\uFFFD') < 0) {
      return new Decoded(text, -1, -1);
    }
    CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer window = CharBuffer.allocate(8192);
    int chars = 0;
    while (true) {
      CoderResult result = strict.decode(in, window, true);
      chars += window.position();
      window.clear();
      if (result.isError()) {
        // The valid prefix decodes the same either way, so the bad byte's place in the lossy text is known.
        return new Decoded(text, in.position(), chars);
      }
      if (result.isUnderflow()) {
        return new Decoded(text, -1, -1);
      }
    }
  }
}
