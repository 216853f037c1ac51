package dev.jobkit.shell.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Opens an address in the person's browser, the way terminal programs do: each command of {@code
 * $BROWSER} (a list separated by {@code :}; {@code %s} in one stands for the address, else it comes
 * last), then {@code xdg-open} (Linux desktops) or, on macOS, {@code open}, where found on the
 * {@code PATH}. The browser is started and left running; nothing waits for it.
 */
public final class Browser {

  private final Map<String, String> env;

  /** A launcher that reads {@code $BROWSER} and {@code $PATH} from {@code env}. */
  public Browser(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The commands it tries, in order, each as the words to run. */
  List<List<String>> candidates(String url) {
    List<List<String>> commands = new ArrayList<>();
    String browser = env.getOrDefault("BROWSER", "");
    for (String entry : browser.split(":")) {
      if (entry.isBlank()) {
        continue;
      }
      List<String> words = new ArrayList<>(Arrays.asList(entry.strip().split("\\s+")));
      if (words.contains("%s")) {
        words.replaceAll(w -> w.equals("%s") ? url : w);
      } else {
        words.add(url);
      }
      commands.add(words);
    }
    // On Linux "open" may be openvt: macOS's opener only on macOS.
    String opener = System.getProperty("os.name", "").startsWith("Mac") ? "open" : "xdg-open";
    onPath(opener).ifPresent(p -> commands.add(List.of(p.toString(), url)));
    return commands;
  }

  /**
   * Opens {@code url} with the first command that starts; the command it used, or empty when none
   * did (no {@code $BROWSER}, no opener on the {@code PATH}: a server, a container, a remote
   * shell).
   */
  public Optional<String> open(String url) {
    for (List<String> command : candidates(url)) {
      try {
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        return Optional.of(command.get(0));
      } catch (IOException notThere) {
        // the next one
      }
    }
    return Optional.empty();
  }

  private Optional<Path> onPath(String program) {
    for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
