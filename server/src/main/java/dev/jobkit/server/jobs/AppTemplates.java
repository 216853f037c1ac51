package dev.jobkit.server.jobs;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * The template rules of an app, in one place: an argv item, an env value, a hook's argv item or a
 * transfer's path may hold {@code {name}} placeholders of parameters; {@code {{} and {@code }}}
 * stand for literal braces, and any other brace is an error. A placeholder is replaced by the
 * parameter's value as text <em>within the one string that holds it</em>: an argv item stays one
 * argv item, whatever the value holds (spaces, quotes, {@code ;}, {@code $(…)}, newlines), so no
 * value ever reaches a shell's parser. A {@code shell} template is never templated: it reads its
 * parameters from {@code JOBKIT_PARAM_<NAME>} variables.
 */
final class AppTemplates {

  /** What a parameter may be called: it is also part of an environment variable's name. */
  static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  /** The prefix of the variables that carry every parameter to a job's processes. */
  static final String ENV_PREFIX = "JOBKIT_PARAM_";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private AppTemplates() {}

  /** A piece of a template: a literal text, or the name of a parameter (then text is null). */
  record Part(String text, String parameter) {}

  /** A template that does not parse, with the reason. */
  static final class TemplateException extends IllegalArgumentException {
    TemplateException(String reason) {
      super(reason);
    }
  }

  /** The pieces of {@code template}; throws {@link TemplateException} for a stray brace. */
  static List<Part> parse(String template) {
    List<Part> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
        literal.append('{');
        i += 2;
      } else if (c == '}' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
        literal.append('}');
        i += 2;
      } else if (c == '{') {
        int close = template.indexOf('}', i);
        String name = close < 0 ? "" : template.substring(i + 1, close);
        if (!PARAMETER_NAME.matcher(name).matches()) {
          throw new TemplateException(
              "the '{' at character "
                  + (i + 1)
                  + " starts no placeholder: write {name} with a parameter's name, or {{ for a"
                  + " literal {");
        }
        if (!literal.isEmpty()) {
          parts.add(new Part(literal.toString(), null));
          literal.setLength(0);
        }
        parts.add(new Part(null, name));
        i = close + 1;
      } else if (c == '}') {
        throw new TemplateException(
            "the '}' at character " + (i + 1) + " closes no placeholder: write }} for a literal }");
      } else {
        literal.append(c);
        i++;
      }
    }
    if (!literal.isEmpty()) {
      parts.add(new Part(literal.toString(), null));
    }
    return parts;
  }

  /** The parameters {@code template} names, in order of first use. */
  static Set<String> names(String template) {
    Set<String> names = new LinkedHashSet<>();
    for (Part part : parse(template)) {
      if (part.parameter() != null) {
        names.add(part.parameter());
      }
    }
    return names;
  }

  /**
   * {@code template} with each placeholder replaced by the text of its value in {@code texts};
   * every name it uses must be there (the submission checked it).
   */
  static String render(String template, Map<String, String> texts) {
    StringBuilder out = new StringBuilder();
    for (Part part : parse(template)) {
      out.append(part.parameter() == null ? part.text() : texts.get(part.parameter()));
    }
    return out.toString();
  }

  /**
   * A parameter's value as the text a template and its variable get: a string as it is, a number in
   * plain decimal ({@code 1e-4} is {@code 0.0001}, {@code 2.0} is {@code 2}), {@code true} or
   * {@code false}, the empty string for null, and a list or an object as compact JSON.
   */
  static String text(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      BigDecimal decimal =
          value instanceof BigDecimal b ? b : BigDecimal.valueOf(((Number) value).doubleValue());
      return decimal.stripTrailingZeros().toPlainString();
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    return JSON.writeValueAsString(value);
  }

  /** The variable that carries parameter {@code name}: {@code lr} → {@code JOBKIT_PARAM_LR}. */
  static String envName(String name) {
    return ENV_PREFIX + name.toUpperCase(Locale.ROOT);
  }
}
