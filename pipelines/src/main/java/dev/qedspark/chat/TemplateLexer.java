package dev.qedspark.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a Jinja template into text, {@code {{ output }}} and {@code {% statement %}} pieces,
 * applying whitespace control the way Hugging Face renders chat templates: {@code -} inside a
 * delimiter strips all whitespace on that side, {@code trim_blocks} drops the first newline after
 * a statement or comment, and {@code lstrip_blocks} drops spaces and tabs between the start of a
 * line and a statement or comment ({@code {%+} keeps them).
 */
final class TemplateLexer {
  enum Kind { TEXT, OUTPUT, STATEMENT }

  /** One piece of the template; {@code line} is where it starts (1-based). */
  record Piece(Kind kind, String content, int line) {}

  private final String source;
  private final List<Piece> pieces = new ArrayList<>();
  private int position;
  private boolean stripNextText;
  private boolean trimNextNewline;

  private TemplateLexer(String source) {
    this.source = source;
  }

  static List<Piece> split(String source) {
    TemplateLexer lexer = new TemplateLexer(source);
    lexer.run();
    return lexer.pieces;
  }

  private void run() {
    while (position < source.length()) {
      int open = nextOpening(position);
      String text = source.substring(position, open < 0 ? source.length() : open);
      if (open < 0) {
        addText(text, position);
        return;
      }
      char kind = source.charAt(open + 1);
      char modifier = open + 2 < source.length() ? source.charAt(open + 2) : ' ';
      boolean blockLike = kind != '{';
      if (modifier == '-') {
        text = text.stripTrailing();
      } else if (blockLike && modifier != '+') {
        text = lstripBlock(text);
      }
      addText(text, position);
      String close = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
      int bodyStart = open + 2 + (modifier == '-' || modifier == '+' ? 1 : 0);
      int end = kind == '#' ? source.indexOf(close, bodyStart) : closing(bodyStart, close);
      if (end < 0) {
        throw new TemplateException("chat template line " + lineAt(open) + ": '" + source.substring(open, open + 2) + "' is never closed with '" + close + "'");
      }
      boolean stripAfter = end > bodyStart && source.charAt(end - 1) == '-';
      String body = source.substring(bodyStart, stripAfter ? end - 1 : end).strip();
      if (kind == '{') {
        pieces.add(new Piece(Kind.OUTPUT, body, lineAt(open)));
      } else if (kind == '%') {
        pieces.add(new Piece(Kind.STATEMENT, body, lineAt(open)));
      }
      position = end + 2;
      stripNextText = stripAfter;
      trimNextNewline = !stripAfter && blockLike;
    }
  }

  private void addText(String text, int at) {
    if (stripNextText) {
      text = text.stripLeading();
    } else if (trimNextNewline && text.startsWith("\n")) {
      text = text.substring(1);
    } else if (trimNextNewline && text.startsWith("\r\n")) {
      text = text.substring(2);
    }
    stripNextText = false;
    trimNextNewline = false;
    if (!text.isEmpty()) {
      pieces.add(new Piece(Kind.TEXT, text, lineAt(at)));
    }
  }

  /** lstrip_blocks: spaces and tabs before a block tag go when nothing else precedes it on its line. */
  private String lstripBlock(String text) {
    int i = text.length();
    while (i > 0 && (text.charAt(i - 1) == ' ' || text.charAt(i - 1) == '\t')) {
      i--;
    }
    int absolute = position + i;
    return absolute == 0 || source.charAt(absolute - 1) == '\n' ? text.substring(0, i) : text;
  }

  private int nextOpening(int from) {
    for (int i = source.indexOf('{', from); i >= 0 && i + 1 < source.length(); i = source.indexOf('{', i + 1)) {
      char next = source.charAt(i + 1);
      if (next == '{' || next == '%' || next == '#') {
        return i;
      }
    }
    return -1;
  }

  /** The index of {@code close} after {@code from}, skipping string literals inside the tag. */
  private int closing(int from, String close) {
    char quote = 0;
    for (int i = from; i < source.length() - 1; i++) {
      char c = source.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (source.startsWith(close, i)) {
        return i;
      }
    }
    return -1;
  }

  private int lineAt(int index) {
    int line = 1;
    for (int i = 0; i < index && i < source.length(); i++) {
      if (source.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
