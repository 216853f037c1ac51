package dev.jobkit.tools.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Writes the committed descriptor files ({@code tool-schemas/generated/*.json}) from the registry.
 * The build runs it with {@code mvn -pl tool-schemas process-classes -Dregenerate}; a test fails
 * when the committed files differ from what it would write.
 */
public final class DescriptorFiles {

  /** MCP {@code tools/list} result. */
  public static final String MCP = "mcp-tools.json";

  /** OpenAI function tools, strict mode. */
  public static final String OPENAI = "openai-tools.json";

  /** Anthropic tools. */
  public static final String ANTHROPIC = "anthropic-tools.json";

  private DescriptorFiles() {}

  /** Each file's name and the exact text it must hold. */
  public static Map<String, String> render() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(MCP, pretty(Descriptors.mcp()));
    files.put(OPENAI, pretty(Descriptors.openAi()));
    files.put(ANTHROPIC, pretty(Descriptors.anthropic()));
    return files;
  }

  private static String pretty(JsonNode node) {
    return Schemas.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
  }

  /** Writes the files into the directory given as the only argument. */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: DescriptorFiles <output-directory>");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, String> file : render().entrySet()) {
        Files.writeString(dir.resolve(file.getKey()), file.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.err.println("wrote " + render().keySet() + " to " + dir.toAbsolutePath());
  }
}
