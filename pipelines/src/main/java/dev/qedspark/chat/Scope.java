package dev.qedspark.chat;

import java.util.HashMap;
import java.util.Map;

/** Variables of one level of a template: the render call's, or a for loop body's (Jinja's scoping). */
final class Scope {
  private final Scope parent;
  private final Map<String, Object> variables = new HashMap<>();

  Scope(Scope parent) {
    this.parent = parent;
  }

  Object get(String name) {
    for (Scope s = this; s != null; s = s.parent) {
      if (s.variables.containsKey(name)) {
        return s.variables.get(name);
      }
    }
    return Builtins.global(name);
  }

  void set(String name, Object value) {
    variables.put(name, value);
  }
}
