package dev.jobkit.tools.mcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the tests start the MCP server as a real child JVM: its main class on the module's classes
 * and the runtime classpath the build wrote to {@code target/classpath.txt} (nothing of the test
 * classpath, so no logging backend the server would not have in real life).
 */
final class ServerCommand {

  private ServerCommand() {}

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static List<String> args() {
    try {
      String classpath =
          Path.of("target/classes").toAbsolutePath()
              + java.io.File.pathSeparator
              + Files.readString(Path.of("target/classpath.txt")).strip();
      List<String> args = new ArrayList<>();
      args.add("-cp");
      args.add(classpath);
      args.add(JobkitMcpServer.class.getName());
      return args;
    } catch (IOException e) {
      throw new UncheckedIOException("target/classpath.txt is written at package; run verify", e);
    }
  }

  static List<String> command() {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(args());
    return command;
  }
}
