package dev.jobkit.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The SDK's public surface, pinned: every public or protected type and member of its API packages
 * (every package under {@code dev.jobkit.sdk} but {@code internal}) is written one per line to
 * {@code sdk/api/jobkit-sdk.api}, and a change of the surface fails this test until the file is
 * regenerated, so that it shows up as a diff in review. The module exports exactly these packages.
 *
 * <p>Regenerate after a deliberate change: {@code ./mvnw -B -o -q verify -pl sdk
 * -Djobkit.api.update=true}.
 */
class PublicApiTest {

  static final String UPDATE_PROPERTY = "jobkit.api.update";

  static Path apiFile() {
    return Path.of(System.getProperty("basedir", ".")).resolve("api/jobkit-sdk.api");
  }

  @Test
  void the_public_surface_of_the_sdk_is_the_one_committed_in_the_api_file() throws IOException {
    List<String> actual = dump();
    Path file = apiFile();
    if (Boolean.getBoolean(UPDATE_PROPERTY)) {
      Files.createDirectories(file.getParent());
      Files.write(file, actual, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(file)) {
      fail(file.toAbsolutePath() + " is missing; write it with -D" + UPDATE_PROPERTY + "=true");
    }
    List<String> expected = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (!expected.equals(actual)) {
      fail(
          "The SDK's public API differs from "
              + file
              + " (- committed, + now):\n"
              + diff(expected, actual)
              + "\nIf the change is meant, regenerate the file with ./mvnw -B -o -q verify -pl sdk"
              + " -D"
              + UPDATE_PROPERTY
              + "=true and commit it.");
    }
  }

  @Test
  void no_public_signature_names_an_internal_type_and_guarded_actions_has_no_public_constructor()
      throws IOException {
    List<String> dump = dump();
    assertThat(dump).noneMatch(line -> line.contains("dev.jobkit.sdk.internal"));
    assertThat(dump).anyMatch(line -> line.contains("class dev.jobkit.sdk.GuardedActions"));
    assertThat(dump).noneMatch(line -> line.contains("GuardedActions(dev.jobkit.sdk.JobkitClient"));
  }

  @Test
  void the_module_exports_the_api_packages_and_nothing_else() throws IOException {
    ModuleDescriptor module;
    try (InputStream in = Files.newInputStream(classes().resolve("module-info.class"))) {
      module = ModuleDescriptor.read(in);
    }
    Set<String> exported =
        module.exports().stream()
            .filter(e -> !e.isQualified())
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toSet());
    Set<String> api =
        apiTypes().stream()
            .map(Class::getPackageName)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(module.name()).isEqualTo("dev.jobkit.sdk");
    assertThat(exported).containsExactlyInAnyOrderElementsOf(api);
  }

  /** The surface, one type after another (sorted by name), each followed by its sorted members. */
  static List<String> dump() throws IOException {
    List<String> lines = new ArrayList<>();
    for (Class<?> type : apiTypes()) {
      if (!lines.isEmpty()) {
        lines.add("");
      }
      lines.add(typeLine(type));
      members(type).stream().map(m -> "  " + m).sorted().forEach(lines::add);
    }
    return lines;
  }

  /** The public and protected types of the API packages, nested ones included. */
  static List<Class<?>> apiTypes() throws IOException {
    Path classes = classes();
    Path root = classes.resolve("dev/jobkit/sdk");
    List<Class<?>> types = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String relative =
            classes.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        String name =
            relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
        if (name.startsWith("dev.jobkit.sdk.internal.")
            || name.endsWith("package-info")
            || name.equals("module-info")) {
          continue;
        }
        Class<?> type = load(name);
        if (visible(type)) {
          types.add(type);
        }
      }
    }
    types.sort(Comparator.comparing(Class::getName));
    return types;
  }

  /** The directory of the SDK's compiled classes. */
  private static Path classes() {
    Path classes;
    try {
      classes =
          Path.of(JobkitClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    assertThat(classes).as("the SDK's classes are a directory while it is tested").isDirectory();
    return classes;
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, JobkitClient.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Public or protected, and so is every type it is nested in; never anonymous or local. */
  private static boolean visible(Class<?> type) {
    for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
      if (t.isAnonymousClass()
          || t.isLocalClass()
          || t.isSynthetic()
          || !exposed(t.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static boolean exposed(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  /**
   * {@code public final class a.B<T> extends a.C implements a.D}, or a record with its components.
   */
  private static String typeLine(Class<?> type) {
    int mods = type.getModifiers();
    StringBuilder s = new StringBuilder(Modifier.isPublic(mods) ? "public" : "protected");
    if (Modifier.isStatic(mods)
        && type.getDeclaringClass() != null
        && !type.isInterface()
        && !type.isEnum()
        && !type.isRecord()) {
      s.append(" static");
    }
    String kind;
    if (type.isAnnotation()) {
      kind = "@interface";
    } else if (type.isInterface()) {
      kind = "interface";
    } else if (type.isEnum()) {
      kind = "enum";
    } else if (type.isRecord()) {
      kind = "record";
    } else {
      kind = "class";
      if (Modifier.isAbstract(mods)) {
        s.append(" abstract");
      }
      if (Modifier.isFinal(mods)) {
        s.append(" final");
      }
    }
    s.append(' ')
        .append(kind)
        .append(' ')
        .append(type.getName())
        .append(typeParameters(type.getTypeParameters()));
    if (type.isRecord()) {
      s.append(
          Arrays.stream(type.getRecordComponents())
              .map(c -> name(c.getGenericType()) + " " + c.getName())
              .collect(Collectors.joining(", ", "(", ")")));
    }
    Type superclass = type.getGenericSuperclass();
    if (superclass != null && !type.isEnum() && !type.isRecord() && superclass != Object.class) {
      s.append(" extends ").append(name(superclass));
    }
    Type[] interfaces = type.getGenericInterfaces();
    if (interfaces.length > 0 && !type.isAnnotation()) {
      s.append(type.isInterface() ? " extends " : " implements ")
          .append(
              Arrays.stream(interfaces)
                  .map(PublicApiTest::name)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    }
    return s.toString();
  }

  private static List<String> members(Class<?> type) {
    Set<String> accessors =
        type.isRecord()
            ? Arrays.stream(type.getRecordComponents())
                .map(RecordComponent::getName)
                .collect(Collectors.toSet())
            : Set.of();
    List<String> members = new ArrayList<>();
    for (Field field : type.getDeclaredFields()) {
      if (field.isSynthetic()) {
        continue;
      }
      if (field.isEnumConstant()) {
        members.add("enum constant " + field.getName());
      } else if (exposed(field.getModifiers())) {
        members.add(field(field));
      }
    }
    for (Constructor<?> constructor : type.getDeclaredConstructors()) {
      if (!constructor.isSynthetic() && exposed(constructor.getModifiers()) && !type.isEnum()) {
        members.add(modifiers(constructor) + type.getSimpleName() + parameters(constructor));
      }
    }
    for (Method method : type.getDeclaredMethods()) {
      if (method.isSynthetic() || method.isBridge() || !exposed(method.getModifiers())) {
        continue;
      }
      if (implicit(type, method, accessors)) {
        continue;
      }
      String generic = typeParameters(method.getTypeParameters());
      members.add(
          modifiers(method)
              + (generic.isEmpty() ? "" : generic + " ")
              + name(method.getGenericReturnType())
              + " "
              + method.getName()
              + parameters(method));
    }
    return members;
  }

  /** What the compiler writes into every record or enum: the accessors, equals, values() … */
  private static boolean implicit(Class<?> type, Method method, Set<String> accessors) {
    int arity = method.getParameterCount();
    String name = method.getName();
    if (type.isRecord()) {
      return arity == 0 && accessors.contains(name)
          || arity == 0 && (name.equals("hashCode") || name.equals("toString"))
          || arity == 1 && name.equals("equals");
    }
    if (type.isEnum()) {
      return arity == 0 && name.equals("values")
          || arity == 1 && name.equals("valueOf") && method.getParameterTypes()[0] == String.class;
    }
    return false;
  }

  private static String field(Field field) {
    String s = modifiers(field) + name(field.getGenericType()) + " " + field.getName();
    int mods = field.getModifiers();
    if (Modifier.isStatic(mods)
        && Modifier.isFinal(mods)
        && (field.getType().isPrimitive() || field.getType() == String.class)) {
      try {
        field.setAccessible(true);
        s += " = " + field.get(null);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return s;
  }

  private static String modifiers(Member member) {
    int mods = member.getModifiers();
    List<String> words = new ArrayList<>();
    words.add(Modifier.isPublic(mods) ? "public" : "protected");
    boolean inInterface = member.getDeclaringClass().isInterface();
    if (member instanceof Method method && method.isDefault()) {
      words.add("default");
    }
    if (Modifier.isStatic(mods)) {
      words.add("static");
    }
    if (Modifier.isAbstract(mods) && !inInterface) {
      words.add("abstract");
    }
    if (Modifier.isFinal(mods) && !(inInterface && member instanceof Field)) {
      words.add("final");
    }
    return String.join(" ", words) + " ";
  }

  private static String parameters(Executable executable) {
    Type[] types = executable.getGenericParameterTypes();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < types.length; i++) {
      String name = name(types[i]);
      if (executable.isVarArgs() && i == types.length - 1 && name.endsWith("[]")) {
        name = name.substring(0, name.length() - 2) + "...";
      }
      names.add(name);
    }
    return names.stream().collect(Collectors.joining(", ", "(", ")"));
  }

  private static String typeParameters(TypeVariable<?>[] variables) {
    if (variables.length == 0) {
      return "";
    }
    return Arrays.stream(variables)
        .map(
            v -> {
              List<String> bounds =
                  Arrays.stream(v.getBounds())
                      .filter(b -> b != Object.class)
                      .map(PublicApiTest::name)
                      .toList();
              return bounds.isEmpty()
                  ? v.getName()
                  : v.getName() + " extends " + String.join(" & ", bounds);
            })
        .collect(Collectors.joining(", ", "<", ">"));
  }

  private static String name(Type type) {
    return type.getTypeName();
  }

  /** A line diff of the two files (their longest common subsequence), with the types around it. */
  static String diff(List<String> before, List<String> after) {
    int[][] common = new int[before.size() + 1][after.size() + 1];
    for (int i = before.size() - 1; i >= 0; i--) {
      for (int j = after.size() - 1; j >= 0; j--) {
        common[i][j] =
            before.get(i).equals(after.get(j))
                ? common[i + 1][j + 1] + 1
                : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    StringBuilder out = new StringBuilder();
    String type = null;
    String shownType = null;
    int i = 0;
    int j = 0;
    while (i < before.size() || j < after.size()) {
      String line;
      char mark;
      if (i < before.size() && j < after.size() && before.get(i).equals(after.get(j))) {
        line = before.get(i);
        mark = ' ';
        i++;
        j++;
      } else if (j < after.size() && (i == before.size() || common[i][j + 1] > common[i + 1][j])) {
        line = after.get(j++);
        mark = '+';
      } else {
        line = before.get(i++);
        mark = '-';
      }
      if (!line.isEmpty() && !line.startsWith(" ")) {
        type = line;
      }
      if (mark != ' ') {
        if (line.startsWith(" ") && type != null && !type.equals(shownType)) {
          out.append("  in ").append(type).append('\n');
        }
        shownType = line.startsWith(" ") ? type : line;
        out.append(mark).append(' ').append(line).append('\n');
      }
    }
    return out.toString();
  }
}
