package dev.jobkit.server;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The values {@link ApiFuzzIT} sends: ordinary ones (so that requests get past the first check and
 * reach the store) mixed with hostile ones — wrong JSON types, huge strings, NUL, lone surrogates,
 * out-of-range numbers and dates, tampered cursors, bad path segments. Every choice comes from one
 * seeded {@link Random}, so a run repeats with its seed. Long because it is a catalogue of values,
 * one method per kind.
 */
final class FuzzInputs {

  /** Values the fixtures of a run add: job ids, user names, cursors seen in answers. */
  final List<String> jobIds = new ArrayList<>();

  final List<String> userNames = new ArrayList<>();
  final List<String> workerIds = new ArrayList<>();
  final List<String> cursors = new ArrayList<>();

  private final Random random;

  FuzzInputs(Random random) {
    this.random = random;
  }

  boolean chance(double p) {
    return random.nextDouble() < p;
  }

  int below(int n) {
    return random.nextInt(n);
  }

  @SafeVarargs
  final <T> T oneOf(T... values) {
    return values[random.nextInt(values.length)];
  }

  <T> T oneOf(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  // ---- text ----

  /** Text that may reach a column or a filter; {@code inBody} allows the huge ones. */
  String hostileText(boolean inBody) {
    List<Supplier<String>> kinds =
        new ArrayList<>(
            List.of(
                () -> "",
                () -> " ",
                () -> "x",
                () -> "hello world",
                () -> "日本語のジョブ",
                () -> "😀 emoji",
                () -> "e\u0301 combining",
                () -> "\u202eevil.sh",
                () -> "zero\u200bwidth",
                () -> "\u0000",
                () -> "a\u0000b",
                () -> "\ud800",
                () -> "x\udc00y",
                () -> "\udbff\udfff",
                () -> "\u0001\u001f\u007f",
                () -> "line\nbreak\r\ttab",
                () -> "' OR '1'='1",
                () -> "%_\\",
                () -> "${jndi:ldap://x}",
                () -> "<script>alert(1)</script>",
                () -> "null",
                () -> "-1",
                () -> "\uffff\ufffe",
                () -> "x".repeat(257),
                () -> "x".repeat(1001),
                () -> "x".repeat(4001)));
    if (inBody) {
      kinds.add(() -> "\"".repeat(40_000));
      kinds.add(() -> "\u0001".repeat(60_000));
      kinds.add(() -> "x".repeat(70_000));
      kinds.add(() -> "\\".repeat(33_000));
      kinds.add(() -> "é".repeat(65_537));
    } else {
      kinds.add(() -> "x".repeat(7_000));
    }
    return oneOf(kinds).get();
  }

  /** A value for a parameter, header or field, chosen by its name: sane most of the time. */
  String valueFor(String name, boolean inBody) {
    String key = name.toLowerCase(Locale.ROOT).replace("-", "_");
    if (chance(inBody ? 0.15 : 0.3)) {
      return hostileText(inBody);
    }
    return switch (key) {
      case "status" ->
          oneOf(
              "running", "QUEUED", "pending", "completed", "cancelled", "bogus", "RUNNING,FAILED");
      case "owner" -> chance(0.7) ? oneOf(userNames) : oneOf("me", "nobody", "ADMIN");
      case "tag" ->
          oneOf("team=vision", "k=v", "=x", "x", "a==b", "team=", "k=" + hostileText(false));
      case "name", "display_name", "description" -> oneOf("fixture", "sleep", "FIX", "a", "%");
      case "parent", "job_id", "id", "parents" -> jobId();
      case "created_after", "created_before" -> time();
      case "limit", "pod", "tail_chars", "offset", "last_event_id", "pod_count", "priority" ->
          number();
      case "cursor" -> cursor();
      case "scope" -> oneOf("active", "all", "ALL", "everything", "");
      case "purge_artifacts", "force", "dry_run" ->
          oneOf("true", "false", "1", "0", "yes", "no", "maybe", "TRUE");
      case "idempotency_key" -> oneOf("k1", "k2", "key-" + below(5), "k".repeat(256), "\u00ff");
      case "mode", "scheduling_mode" -> oneOf("serial", "parallel", "SERIAL", "turbo");
      case "role" -> oneOf("user", "admin", "worker", "god");
      case "expected_status" -> oneOf("RUNNING", "QUEUED", "SUCCEEDED", "running", "bogus", "");
      case "shell" -> oneOf("true", "exit 3", "echo fuzz", "echo $JOBKIT_JOB_ID", "true;");
      case "ref" -> oneOf("a", "b", "prep", "x y", "r".repeat(65));
      case "format" -> oneOf("csv", "json", "xml");
      case "worker_id" -> workerId();
      case "to" -> oneOf("RUNNING", "STAGED_IN", "RUN_DONE", "SUCCEEDED", "running", "QUEUED", "");
      case "kind" -> oneOf("user", "validation", "resource", "timeout", "system", "SYSTEM", "oops");
      default -> oneOf("x", "fixture", "1", "true", "a=b");
    };
  }

  /** A registered worker's id (the fixtures'), or one that is not. */
  String workerId() {
    if (!workerIds.isEmpty() && chance(0.75)) {
      return oneOf(workerIds);
    }
    return oneOf("wkr_does_not_exist", "wkr_", "w".repeat(65), "job_01m8tkv2s27t6bz5djp36b6w7m");
  }

  String jobId() {
    if (!jobIds.isEmpty() && chance(0.75)) {
      return oneOf(jobIds);
    }
    return oneOf(
        "job_does_not_exist",
        "job_01m8tkv2s27t6bz5djp36b6w7m",
        "job_",
        "JOB_" + "A".repeat(36),
        "j".repeat(41),
        "job_\u0000",
        "' OR 1=1 --");
  }

  String number() {
    return oneOf(
        "0",
        "1",
        "2",
        "5",
        "9",
        "-1",
        "10",
        "1000",
        "1001",
        "20000",
        "20001",
        "2147483647",
        "2147483648",
        "9223372036854775807",
        "-9223372036854775808",
        "99999999999999999999",
        "1.5",
        "1e3",
        "+5",
        "05",
        "０",
        "٣",
        "0x10",
        "NaN",
        "abc",
        " 3 ");
  }

  String time() {
    return oneOf(
        "2026-01-31T12:00:00Z",
        "2026-01-31T12:00:00+02:00",
        "1970-01-01T00:00:00Z",
        "0001-01-01T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "+999999999-12-31T23:59:59Z",
        "-999999999-01-01T00:00:00Z",
        "+10000-01-01T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-01-01T00:00:00+25:00",
        "2026-01-01",
        "yesterday",
        "1735689600");
  }

  String cursor() {
    if (!cursors.isEmpty() && chance(0.4)) {
      return oneOf(cursors);
    }
    String text =
        oneOf(
            "c1:1",
            "c1:3",
            "c1:+5",
            "c1:05",
            "c1:５",
            "c1:٣",
            "c1:0",
            "c1:-1",
            "c1:9223372036854775807",
            "c1:99999999999999999999",
            "c1:",
            "c2:5",
            "c1:1.5",
            "garbage");
    String encoded =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(text.getBytes(StandardCharsets.UTF_8));
    return chance(0.8) ? encoded : oneOf(text, "%%%", "A".repeat(3000), encoded + "==", "");
  }

  /** A path segment for a path variable: a known value, or a hostile one (already encoded). */
  String pathSegment(String variable) {
    if (chance(0.85)) {
      String plain =
          variable.equals("name")
              ? oneOf(userNames)
              : variable.equals("worker_id") ? workerId() : jobId();
      return encode(plain);
    }
    return oneOf(
        "%00",
        "%2F",
        "a%2Fb",
        "%5C",
        "..",
        "%2E%2E",
        "%ZZ",
        "%",
        "x".repeat(5000),
        "x".repeat(9000),
        "%E6%97%A5%E6%9C%AC",
        "%ED%A0%80",
        "%C0%AF",
        "%FF",
        "a%20b",
        ";jsessionid=x",
        "%25",
        "job_x;y",
        "%0D%0Ainjected",
        "~",
        "");
  }

  // ---- JSON ----

  /** A JSON body for a request body of {@code type}: mostly well formed, sometimes not. */
  byte[] body(Type type) {
    if (chance(0.15)) {
      return malformedBody();
    }
    byte[] json = json(type, "body", 0).getBytes(StandardCharsets.UTF_8);
    // Past the service's 1 MB limit every body is the same 413: no need to build more of it.
    return json.length <= 1_100_000 ? json : java.util.Arrays.copyOf(json, 1_100_000);
  }

  byte[] malformedBody() {
    return switch (below(14)) {
      case 0 -> new byte[0];
      case 1 -> "{".getBytes(StandardCharsets.UTF_8);
      case 2 -> "null".getBytes(StandardCharsets.UTF_8);
      case 3 -> "[]".getBytes(StandardCharsets.UTF_8);
      case 4 -> "\"x\"".getBytes(StandardCharsets.UTF_8);
      case 5 -> new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
      case 6 -> ("[".repeat(3000) + "]".repeat(3000)).getBytes(StandardCharsets.UTF_8);
      case 7 -> ("{\"priority\":" + "9".repeat(2000) + "}").getBytes(StandardCharsets.UTF_8);
      case 8 -> "{\"shell\":\"true\"} trailing".getBytes(StandardCharsets.UTF_8);
      case 9 -> "\uFEFF{\"shell\":\"true\"}".getBytes(StandardCharsets.UTF_8);
      case 10 -> ("{\"shell\":\"" + "x".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
      case 11 -> "{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8);
      case 12 -> "{'shell':'true'}".getBytes(StandardCharsets.UTF_8);
      default -> "{\"shell\":\"\\ud800\\u0000\"}".getBytes(StandardCharsets.UTF_8);
    };
  }

  /** JSON text for a value of {@code type}, named {@code name} (for the value's hint). */
  String json(Type type, String name, int depth) {
    if (depth > 0 && chance(0.08)) {
      return wrongType();
    }
    Class<?> raw = rawClass(type);
    if (raw == String.class) {
      return jsonString(valueFor(name, true));
    }
    if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
      return chance(0.8)
          ? switch (name) {
            case "pod_count" -> oneOf("1", "2");
            case "priority" -> String.valueOf(1 + below(9));
            case "max_attempts" -> oneOf("1", "2", "3");
            default -> oneOf("1", "5", "60", "3600");
          }
          : oneOf(
              "0",
              "-1",
              "10",
              "101",
              "2147483647",
              "2147483648",
              "9223372036854775808",
              "1.5",
              "1e308",
              "-0.0",
              "\"5\"",
              "99999999999999999999999999");
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return oneOf("true", "false", "\"true\"", "1");
    }
    if (raw.isEnum()) {
      Object[] constants = raw.getEnumConstants();
      String wire = ApiFuzzIT.JSON.valueToTree(constants[below(constants.length)]).asString();
      return chance(0.8) ? jsonString(wire) : jsonString(oneOf("SECRET", "", wire + "x", "5"));
    }
    if (List.class.isAssignableFrom(raw)) {
      Type element = typeArgument(type, 0);
      int size = chance(0.05) ? oneOf(101, 201, 1001) : below(4);
      List<String> items = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        items.add(
            depth > 3 || size > 3
                ? oneOf("\"job_x\"", "\"x\"", "1", "null", "{}")
                : name.equals("command") && i == 0 && chance(0.7)
                    ? jsonString(oneOf("true", "false", "echo", "sh", "nope"))
                    : json(element, name, depth + 1));
      }
      return "[" + String.join(",", items) + "]";
    }
    if (java.util.Map.class.isAssignableFrom(raw)) {
      int size = chance(0.05) ? oneOf(51, 201) : below(4);
      List<String> members = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        String key =
            chance(0.7)
                ? oneOf("team", "A_B", "k" + i, "PATH", "LANG")
                : oneOf(
                    "JOBKIT_X", "1BAD", "no spaces", "", "\u0000", "\ud800", "k".repeat(129), "é");
        String value = size > 3 ? oneOf("x", "y".repeat(600), "") : valueFor(name, true);
        members.add(jsonString(key) + ":" + jsonString(value));
      }
      return "{" + String.join(",", members) + "}";
    }
    if (raw.isRecord() && depth < 4) {
      List<String> members = new ArrayList<>();
      // A job spec runs either a command or a shell: mostly one of them, so that the rest of the
      // body is checked and stored, not refused for that.
      String runs = chance(0.9) ? oneOf("command", "shell") : null;
      for (RecordComponent c : raw.getRecordComponents()) {
        String component = c.getName();
        boolean include =
            runs != null && (component.equals("command") || component.equals("shell"))
                ? component.equals(runs)
                // a ref is for jobs of a batch: elsewhere it only makes the spec a 400
                : chance(component.equals("ref") && !name.equals("jobs") ? 0.05 : 0.45);
        if (include) {
          String field = snakeCase(c.getName());
          members.add(jsonString(field) + ":" + json(c.getGenericType(), field, depth + 1));
        }
      }
      if (chance(0.05)) {
        members.add("\"colour\":\"red\"");
      }
      if (chance(0.03) && !members.isEmpty()) {
        members.add(members.get(0));
      }
      return "{" + String.join(",", members) + "}";
    }
    if (raw == JsonNode.class || raw == Object.class) {
      List<String> members = new ArrayList<>();
      for (int i = 0, n = below(3) + 1; i < n; i++) {
        String field =
            oneOf(
                "display_name",
                "description",
                "priority",
                "accessibility",
                "pod_count",
                "command",
                "status",
                "id",
                "colour");
        String value =
            switch (field) {
              case "priority", "pod_count" -> json(Integer.class, field, depth + 1);
              case "accessibility" -> oneOf("\"PUBLIC\"", "\"PRIVATE\"", "\"SECRET\"", "null");
              default -> chance(0.8) ? jsonString(valueFor(field, true)) : wrongType();
            };
        members.add(jsonString(field) + ":" + value);
      }
      return "{" + String.join(",", members) + "}";
    }
    return wrongType();
  }

  private String wrongType() {
    return oneOf(
        "null",
        "true",
        "0",
        "-1",
        "1.5",
        "\"\"",
        "\"x\"",
        "[]",
        "[null]",
        "{}",
        "{\"a\":1}",
        "[[[]]]");
  }

  // ---- encodings ----

  /** A JSON string literal, every character outside printable ASCII escaped (\\uXXXX). */
  static String jsonString(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /**
   * Percent-encodes text as UTF-8 for a URL; a lone surrogate, which UTF-8 cannot encode, is sent
   * as the bytes of its would-be encoding (ED A0 80), which no decoder accepts.
   */
  static String encode(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
        out.append(c);
        continue;
      }
      byte[] bytes;
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes =
            new byte[] {
              (byte) (0xE0 | (c >> 12)),
              (byte) (0x80 | ((c >> 6) & 0x3F)),
              (byte) (0x80 | (c & 0x3F))
            };
      } else {
        bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
      }
      for (byte b : bytes) {
        out.append('%').append(String.format("%02X", b & 0xFF));
      }
    }
    return out.toString();
  }

  static String snakeCase(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  private static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    return Object.class;
  }

  private static Type typeArgument(Type type, int index) {
    return type instanceof ParameterizedType p ? p.getActualTypeArguments()[index] : Object.class;
  }
}
