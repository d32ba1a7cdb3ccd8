package dev.qedspark.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qedspark.testing.Python;
import dev.qedspark.testing.Qwen3Tokenizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The template interpreter renders what Hugging Face's {@code apply_chat_template} renders: Qwen3's
 * real template over conversations of every shape it handles, and small templates for each Jinja
 * feature, compared character for character with Python's Jinja2 in the same environment.
 */
class ChatTemplateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Map<String, Object> message(String role, String content) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("role", role);
    m.put("content", content);
    return m;
  }

  private static Map<String, Object> vars(Object... keyValues) {
    Map<String, Object> v = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      v.put((String) keyValues[i], keyValues[i + 1]);
    }
    return v;
  }

  @Test
  void rendersQwen3SftExampleAsChatMl() throws Exception {
    ChatTemplate qwen3 = ChatTemplate.parse(Qwen3Tokenizer.chatTemplate());
    String text = qwen3.render(vars("messages", List.of(message("user", "Prove $1+1=2$."),
        message("assistant", "<think>\nadd\n</think>\n\nBy definition.")), "add_generation_prompt", false));
    assertEquals("<|im_start|>user\nProve $1+1=2$.<|im_end|>\n<|im_start|>assistant\n<think>\nadd\n</think>\n\nBy definition.<|im_end|>\n", text);
  }

  @Test
  void refusesWhatItDoesNotSupportWithTheLine() {
    TemplateException macro = assertThrows(TemplateException.class, () -> ChatTemplate.parse("a\n{% macro f() %}x{% endmacro %}"));
    assertTrue(macro.getMessage().contains("line 2") && macro.getMessage().contains("macro"), macro.getMessage());
    TemplateException open = assertThrows(TemplateException.class, () -> ChatTemplate.parse("{% if x %}never closed"));
    assertTrue(open.getMessage().contains("endif"), open.getMessage());
    TemplateException undefined = assertThrows(TemplateException.class,
        () -> ChatTemplate.parse("{{ messages[0].role }}").render(Map.of("messages", List.of())));
    assertTrue(undefined.getMessage().contains("'role' is read from an undefined value"), "Jinja raises here too: " + undefined.getMessage());
    TemplateException raised = assertThrows(TemplateException.class,
        () -> ChatTemplate.parse("{{ raise_exception('roles must alternate') }}").render(Map.of()));
    assertTrue(raised.getMessage().contains("roles must alternate"), raised.getMessage());
  }

  @Test
  void qwen3TemplateMatchesJinja2() throws Exception {
    String qwen3 = Qwen3Tokenizer.chatTemplate();
    Map<String, Object> toolCall = vars("type", "function", "function", vars("name", "check", "arguments", vars("n", 7L, "tags", List.of("a", "b"))));
    Map<String, Object> withTools = message("assistant", "calling");
    withTools.put("tool_calls", List.of(toolCall, vars("name", "raw", "arguments", "{\"x\": 1}")));
    Map<String, Object> withReasoning = message("assistant", "final proof");
    withReasoning.put("reasoning_content", "hidden steps");
    List<Map<String, Object>> cases = new ArrayList<>();
    List<List<Map<String, Object>>> conversations = List.of(
        List.of(message("user", "Prove it."), message("assistant", "<think>\nidea\n</think>\n\nProof.")),
        List.of(message("system", "Be rigorous."), message("user", "Show $\\sqrt 2 \\notin \\mathbb{Q}$ — ünïcode {{ braces }}"),
            message("assistant", "No think tags here.")),
        List.of(message("user", "one"), message("assistant", "<think>a</think>first"), message("user", "two"),
            message("assistant", "<think>\nb\n</think>\n\nsecond")),
        List.of(message("user", "q"), withReasoning),
        List.of(message("user", "use a tool"), withTools, message("tool", "<tool_response>42"), message("tool", "43"),
            message("assistant", "done")),
        List.of(message("user", "<tool_response>x</tool_response>"), message("assistant", "r")),
        List.of(message("user", "only a question")));
    for (List<Map<String, Object>> messages : conversations) {
      for (boolean generationPrompt : List.of(false, true)) {
        cases.add(vars("template", qwen3, "variables", vars("messages", messages, "add_generation_prompt", generationPrompt)));
      }
    }
    cases.add(vars("template", qwen3, "variables", vars("messages", conversations.get(6), "add_generation_prompt", true, "enable_thinking", false)));
    cases.add(vars("template", qwen3, "variables", vars("messages", conversations.get(1), "tools",
        List.of(vars("type", "function", "function", vars("name", "check", "description", "Checks \"n\"", "parameters", vars()))))));
    assertSameAsJinja2(cases);
  }

  @Test
  void jinjaFeaturesMatchJinja2() throws Exception {
    Map<String, Object> data = vars("xs", List.of(3L, 1L, 2L), "s", "  Hello, World  ", "d", vars("b", 2L, "a", java.util.Arrays.asList(1L, "x", true, null)),
        "none", null, "f", 2.5, "msgs", List.of(message("user", "u1"), message("assistant", "a1"), message("user", "u2")));
    List<String> templates = List.of(
        "{% for x in xs %}{{ loop.index0 }}:{{ x }}{% if not loop.last %},{% endif %}{% endfor %}",
        "{{ xs[::-1] }} {{ xs[1:] }} {{ xs[-1] }} {{ xs[:-1] }} {{ s[2:7] }} {{ xs[5] }}|",
        "{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ s.strip(' H') }}|{{ s.split(',') }}|{{ s.split() }}|{{ s.upper() }}",
        "{{ s | trim | lower }} {{ xs | length }} {{ xs | join('-') }} {{ d | tojson }} {{ d | tojson(indent=2) }}",
        "{{ d.a }} {{ d['b'] }} {{ d.get('c', 'dflt') }} {{ d.missing is defined }} {{ none is none }} {{ f * 2 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ -xs[0] }}",
        "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}",
        "{% set ns = namespace(n=0, last='') %}{% for m in msgs %}{% if m.role == 'user' %}{% set ns.n = ns.n + 1 %}{% set ns.last = m.content %}{% endif %}{% endfor %}{{ ns.n }} {{ ns.last }}",
        "{% set outer = 1 %}{% for x in xs %}{% set outer = x %}{% endfor %}{{ outer }}",
        "{% for x in xs if x > 1 %}{{ x }}{% else %}empty{% endfor %}|{% for x in [] %}{{ x }}{% else %}empty{% endfor %}",
        "{% for x in xs %}{% if x == 1 %}{% continue %}{% endif %}{% if x == 2 %}{% break %}{% endif %}{{ x }}{% endfor %}",
        "{{ 'yes' if xs | length > 2 else 'no' }} {{ 'a' ~ 1 ~ none }} {{ 'ell' in s }} {{ 4 not in xs }} {{ [1, 2] + [3] }} {{ (1, 2) }}",
        "{{ msgs | selectattr('role', 'equalto', 'user') | map(attribute='content') | list }} {{ msgs | rejectattr('role', 'eq', 'user') | list | length }}",
        "{{ 'x' is string }} {{ 3 is number }} {{ d is mapping }} {{ xs is iterable }} {{ true is true }} {{ 3 is odd }} {{ d.missing | default('dv') }}",
        "line1\n    {% if true %}\n    kept\n    {% endif %}\n  {%- if true -%}  stripped  {%- endif %}\nend {# comment #}\n{{ 'x' }}\n",
        "{% for x in nothing %}{{ x }}{% else %}nothing to loop over{% endfor %} {{ strftime_now('%d %b %Y') }}",
        "{{ 'a\\nb\\t\"q\"' | tojson }} {{ 'it''s' if false else \"it's\" }} {{ [1.5, 2.0] }} {{ {'k': none} }} {{ s.startswith(('x', '  H')) }}");
    List<Map<String, Object>> cases = new ArrayList<>();
    templates.forEach(t -> cases.add(vars("template", t, "variables", data)));
    assertSameAsJinja2(cases);
  }

  private static void assertSameAsJinja2(List<Map<String, Object>> cases) throws Exception {
    String python = Python.with("jinja2");
    Path script = Path.of("src", "test", "resources", "python", "render_chat_template.py");
    Process p = new ProcessBuilder(python, script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<JsonNode> expected = new ArrayList<>();
    try (Writer in = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (Map<String, Object> c : cases) {
        in.write(JSON.writeValueAsString(c) + "\n");
      }
      in.close();
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        expected.add(JSON.readTree(line));
      }
    }
    assertEquals(0, p.waitFor());
    assertEquals(cases.size(), expected.size());
    for (int i = 0; i < cases.size(); i++) {
      JsonNode reference = expected.get(i);
      String template = (String) cases.get(i).get("template");
      @SuppressWarnings("unchecked")
      Map<String, Object> variables = (Map<String, Object>) cases.get(i).get("variables");
      assertTrue(reference.has("text"), "Jinja2 failed on case " + i + ": " + reference);
      assertEquals(reference.get("text").asText(), ChatTemplate.parse(template).render(variables), "case " + i + ": " + abbreviate(template));
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }
}
