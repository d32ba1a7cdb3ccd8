package dev.qedspark.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * KaTeX for the report page, read from the jar ({@code dev/qedspark/eval/katex/}, fetched from
 * npm at build time by {@code pipelines/katex/fetch-katex}) and inlined: its style sheet with the
 * woff2 fonts as data URLs, its script and auto-render, so the page needs nothing from elsewhere.
 * A build without it (no npm) gives a page that shows LaTeX source and says why.
 */
final class Katex {
  private static final String ROOT = "/dev/qedspark/eval/katex/";
  /** A font source list in KaTeX's style sheet: woff2 first, then woff and ttf fallbacks. */
  private static final Pattern FONT_SOURCES = Pattern.compile("src:url\\(fonts/([A-Za-z0-9_-]+\\.woff2)\\) format\\(\"woff2\"\\)[^;}]*");

  private Katex() {}

  static boolean available() {
    return Katex.class.getResource(ROOT + "katex.min.js") != null;
  }

  /** The style sheet and scripts for the page's head, or a comment when this build has no KaTeX. */
  static String head() {
    if (!available()) {
      return "<!-- KaTeX is not in this build: mathematics is shown as LaTeX source -->";
    }
    Matcher fonts = FONT_SOURCES.matcher(resource("katex.min.css"));
    StringBuilder css = new StringBuilder();
    while (fonts.find()) {
      String data = Base64.getEncoder().encodeToString(bytes("fonts/" + fonts.group(1)));
      fonts.appendReplacement(css, Matcher.quoteReplacement("src:url(data:font/woff2;base64," + data + ") format(\"woff2\")"));
    }
    fonts.appendTail(css);
    return "<style>" + css + "</style>" + script(resource("katex.min.js")) + script(resource("auto-render.min.js"));
  }

  /** The page's own script (after the samples), and a note when mathematics stays source. */
  static String render() {
    String note = available() ? "" : "<p><i>Mathematics is shown as LaTeX source: this build has no KaTeX"
        + " (pipelines/katex/fetch-katex fetches it with npm when the project is built).</i></p>";
    return note + script(new String(read("/dev/qedspark/eval/report.js"), StandardCharsets.UTF_8));
  }

  private static String script(String code) {
    return "<script>" + code.replace("</script", "<\\/script") + "</script>";
  }

  private static String resource(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String name) {
    return read(ROOT + name);
  }

  private static byte[] read(String path) {
    try (InputStream in = Katex.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the resource " + path + " is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
