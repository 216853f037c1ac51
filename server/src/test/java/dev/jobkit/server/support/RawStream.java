package dev.jobkit.server.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * A stream request over a plain socket that reads nothing after the answer's head, as a client that
 * stopped reading does: the service's bytes pile up in the socket until it {@link #readToEnd reads}
 * again. Its receive buffer is small, so it stops taking bytes soon.
 *
 * <pre>{@code
 * try (RawStream stalled = RawStream.open(server, key, "/api/v1/events/stream")) {
 *   assertThat(stalled.status()).isEqualTo(200);
 *   ... // later
 *   String body = stalled.readToEnd(TIMEOUT);
 * }
 * }</pre>
 */
public final class RawStream implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private int status;
  private boolean chunked;

  private RawStream(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  /** Sends {@code GET path} with the key and reads the answer's head. */
  public static RawStream open(JobkitServer server, String key, String path) {
    try {
      Socket socket = new Socket();
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                  + "Authorization: Bearer "
                  + key
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      RawStream stream = new RawStream(socket);
      stream.readHead();
      return stream;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The HTTP status of the answer. */
  public int status() {
    return status;
  }

  private void readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the service closed the connection before its answer's head");
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    status = Integer.parseInt(text.substring(9, 12));
    chunked = text.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked");
  }

  /**
   * Reads the body (de-chunked) until the service closes the stream or {@code timeout} passes
   * without it; what came, as text.
   */
  public String readToEnd(Duration timeout) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      while (System.nanoTime() < deadline) {
        if (chunked) {
          String size = line();
          if (size == null) {
            break;
          }
          int n = Integer.parseInt(size.strip(), 16);
          if (n == 0) {
            break;
          }
          body.write(in.readNBytes(n));
          line();
        } else {
          byte[] bytes = new byte[8192];
          int n = in.read(bytes);
          if (n < 0) {
            break;
          }
          body.write(bytes, 0, n);
        }
      }
    } catch (SocketTimeoutException stillOpen) {
      // what came so far
    } catch (IOException closed) {
      // the service closed the connection
    }
    return body.toString(StandardCharsets.UTF_8);
  }

  /** Reads a little of the body: up to {@code timeout} or until it holds {@code text}. */
  public String readUntil(String text, Duration timeout) {
    StringBuilder seen = new StringBuilder();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (!seen.toString().contains(text) && System.nanoTime() < deadline) {
        socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        byte[] bytes = new byte[1024];
        int n = in.read(bytes);
        if (n < 0) {
          break;
        }
        seen.append(new String(bytes, 0, n, StandardCharsets.UTF_8));
      }
    } catch (IOException timedOutOrClosed) {
      // what came so far
    }
    return seen.toString();
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        return line.toString().strip();
      }
      line.append((char) b);
    }
    return line.isEmpty() ? null : line.toString();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
