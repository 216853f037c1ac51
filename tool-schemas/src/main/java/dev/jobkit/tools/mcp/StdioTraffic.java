package dev.jobkit.tools.mcp;

import dev.jobkit.tools.registry.Schemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;

/**
 * Watches the two stdio streams: notices when stdin ends, counts the requests that arrived and the
 * answers that left, and lets the server see (and rewrite) each message before the SDK does. A
 * client may write its requests and close stdin at once ({@code printf … | jobkit mcp}); the SDK
 * handles requests asynchronously, so without this the server would close before it answered what
 * it had already read.
 */
final class StdioTraffic {

  private final Object lock = new Object();
  private final Duration drainLimit;
  private boolean ended;
  private int requests;
  private int answers;

  /**
   * @param drainLimit how long the end of stdin may wait for answers to the requests read before it
   *     (a call waiting for a person's answer through a client that has gone would wait for ever)
   */
  StdioTraffic(Duration drainLimit) {
    this.drainLimit = drainLimit;
  }

  /**
   * {@code in}, watched line by line: each line with a {@code method} and an {@code id} is a
   * request; every JSON-RPC message first passes {@code rewrite}, which may replace it (the SDK
   * then reads the replacement); the end reaches the reader only once every request read before it
   * has been answered.
   */
  InputStream watch(InputStream in, UnaryOperator<JsonNode> rewrite) {
    return new InputStream() {
      private final ByteArrayOutputStream line = new ByteArrayOutputStream();
      private byte[] ready = new byte[0];
      private int at;
      private final byte[] chunk = new byte[8192];
      private int chunkLength;
      private int chunkAt;
      private boolean eof;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        while (at >= ready.length) {
          if (eof) {
            return -1;
          }
          fill();
        }
        int n = Math.min(len, ready.length - at);
        System.arraycopy(ready, at, b, off, n);
        at += n;
        return n;
      }

      /** Reads until a whole line (or the end) is ready. */
      private void fill() throws IOException {
        while (true) {
          if (chunkAt >= chunkLength) {
            int n;
            try {
              n = in.read(chunk, 0, chunk.length);
            } catch (IOException e) {
              end();
              throw e;
            }
            if (n < 0) {
              // The SDK closes the session when it sees the end of stdin, dropping calls it has
              // read but not answered yet; so it sees the end only once they are answered.
              ready = line.toByteArray();
              at = 0;
              line.reset();
              try {
                awaitAnswered(drainLimit);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              eof = true;
              end();
              return;
            }
            chunkLength = n;
            chunkAt = 0;
          }
          while (chunkAt < chunkLength) {
            byte c = chunk[chunkAt++];
            line.write(c);
            if (c == '\n') {
              ready = message(line.toByteArray(), rewrite);
              at = 0;
              line.reset();
              return;
            }
          }
        }
      }
    };
  }

  /** One line as the SDK is to read it: counted, and rewritten when {@code rewrite} says so. */
  private byte[] message(byte[] bytes, UnaryOperator<JsonNode> rewrite) {
    JsonNode node = parse(bytes);
    if (node == null) {
      return bytes; // the SDK answers it (a parse error), or ignores it
    }
    arrived(node);
    JsonNode replaced = rewrite.apply(node);
    return replaced == node ? bytes : asLine(replaced);
  }

  /** A message as one line of JSON. */
  private static byte[] asLine(JsonNode message) {
    byte[] json = Schemas.JSON.writeValueAsBytes(message);
    byte[] withNewline = Arrays.copyOf(json, json.length + 1);
    withNewline[json.length] = '\n';
    return withNewline;
  }

  /**
   * {@code out}, watched line by line: each line with an {@code id} and a result or error is an
   * answer, counted and passed through {@code rewrite}, which may replace it, or return null to
   * leave it out (MCP: a canceled request gets no answer).
   */
  OutputStream watch(OutputStream out, UnaryOperator<JsonNode> rewrite) {
    return new OutputStream() {
      private final ByteArrayOutputStream line = new ByteArrayOutputStream();

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
          line.write(b[i]);
          if (b[i] == '\n') {
            byte[] bytes = line.toByteArray();
            line.reset();
            send(bytes);
          }
        }
      }

      private void send(byte[] bytes) throws IOException {
        JsonNode message = parse(bytes);
        if (message == null || !message.has("id") || message.has("method")) {
          out.write(bytes); // not an answer
          return;
        }
        JsonNode sent = rewrite.apply(message);
        if (sent == message) {
          out.write(bytes);
        } else if (sent != null) {
          out.write(asLine(sent));
        }
        left();
      }

      @Override
      public synchronized void flush() throws IOException {
        out.flush();
      }

      @Override
      public synchronized void close() throws IOException {
        if (line.size() > 0) {
          out.write(line.toByteArray());
          line.reset();
        }
        out.close();
      }
    };
  }

  /** Blocks until the end of stdin has been handed to the reader. */
  void awaitEnd() throws InterruptedException {
    synchronized (lock) {
      while (!ended) {
        lock.wait();
      }
    }
  }

  /** Blocks until every request read has been answered, or {@code limit} has passed. */
  private boolean awaitAnswered(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (lock) {
      while (answers < requests) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  private void end() {
    synchronized (lock) {
      ended = true;
      lock.notifyAll();
    }
  }

  private void arrived(JsonNode message) {
    if (message.has("method") && message.has("id")) {
      synchronized (lock) {
        requests++;
      }
    }
  }

  private void left() {
    synchronized (lock) {
      answers++;
      lock.notifyAll();
    }
  }

  /** A line as a JSON object, or null when it is not one. */
  private static JsonNode parse(byte[] bytes) {
    try {
      JsonNode node = Schemas.JSON.readTree(bytes);
      return node != null && node.isObject() ? node : null;
    } catch (RuntimeException notJson) {
      return null;
    }
  }
}
