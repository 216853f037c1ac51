package dev.jobkit.shell.command;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.utils.NonBlockingReader;

/**
 * Attaches this terminal to a pod's web terminal socket, the way {@code kubectl exec -it} does: the
 * terminal goes raw (no echo, no line editing, Ctrl-C and Ctrl-Z sent to the pod as bytes), what is
 * typed goes to the pod's shell, what it prints comes back unchanged, and a resized window resizes
 * the pod's terminal. It ends when the pod's shell exits, when the socket closes (the job ended),
 * or on {@code Ctrl-]}, which detaches; the terminal's settings are put back in every case.
 *
 * <p>The socket's protocol is the service's (docs/console.md, "Web terminal"): binary frames are
 * bytes either way; a text frame from here is a control message ({@code {"resize": {"cols": C,
 * "rows": R}}}), one from the service says how the shell ended ({@code {"exit": N}}).
 */
final class TerminalAttach {

  /** {@code Ctrl-]}: detaches, as in telnet. */
  static final int DETACH = 0x1d;

  private static final Pattern EXIT = Pattern.compile("\"exit\"\\s*:\\s*(-?\\d+)");
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
  private static final long POLL_MILLIS = 100;

  /** How an attachment ended. */
  record End(Integer exitCode, boolean detached, String closeReason) {}

  private final Terminal terminal;

  TerminalAttach(Terminal terminal) {
    this.terminal = terminal;
  }

  /**
   * Connects to {@code socketUrl} and relays until the end; returns how it ended.
   *
   * @throws IOException when the socket cannot be opened (the URL was used already or expired, or
   *     the service refused it)
   */
  End attach(URI socketUrl) throws IOException, InterruptedException {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    AtomicInteger exit = new AtomicInteger(Integer.MIN_VALUE);
    StringBuilder closeReason = new StringBuilder();
    OutputStream output = terminal.output();
    WebSocket.Listener listener =
        new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            try {
              output.write(bytes);
              output.flush();
            } catch (IOException e) {
              closed.completeExceptionally(e);
            }
            ws.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              Matcher m = EXIT.matcher(text);
              if (m.find()) {
                exit.set(Integer.parseInt(m.group(1)));
              }
              text.setLength(0);
            }
            ws.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeReason.append(reason == null ? "" : reason);
            closed.complete(null);
            return null;
          }

          @Override
          public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
          }
        };
    HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    WebSocket socket;
    try {
      socket =
          http.newWebSocketBuilder()
              .connectTimeout(CONNECT_TIMEOUT)
              .buildAsync(socketUrl, listener)
              .get(CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IOException(cause.getMessage() == null ? cause.toString() : cause.getMessage());
    }
    Attributes saved = terminal.enterRawMode();
    boolean detached = false;
    try {
      Attributes raw = new Attributes(terminal.getAttributes());
      // enterRawMode keeps ISIG: Ctrl-C would interrupt the shell here, not the pod's program.
      raw.setLocalFlags(EnumSet.of(Attributes.LocalFlag.ISIG), false);
      raw.setInputFlags(EnumSet.of(Attributes.InputFlag.IXON, Attributes.InputFlag.ICRNL), false);
      raw.setOutputFlags(EnumSet.of(Attributes.OutputFlag.OPOST), false);
      terminal.setAttributes(raw);
      detached = relayInput(socket, closed);
      if (detached) {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "detached").exceptionally(e -> null);
      }
      try {
        closed.get(5, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        socket.abort();
      }
    } finally {
      terminal.setAttributes(saved);
      terminal.flush();
    }
    int code = exit.get();
    return new End(code == Integer.MIN_VALUE ? null : code, detached, closeReason.toString());
  }

  /**
   * Sends what is typed until the socket closes or {@code Ctrl-]}; true if detached. The window's
   * size is compared at every turn (at least every 100 ms) and sent when it changed: that needs no
   * {@code SIGWINCH} handler, which a one-shot command's terminal does not install.
   */
  private boolean relayInput(WebSocket socket, CompletableFuture<Void> closed)
      throws InterruptedException {
    NonBlockingReader reader = terminal.reader();
    char[] chars = new char[256];
    long sentSize = -1;
    while (!closed.isDone()) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      long size = ((long) terminal.getWidth() << 32) | terminal.getHeight();
      if (size != sentSize) {
        sentSize = size;
        sendSize(socket);
      }
      int n;
      try {
        int first = reader.read(POLL_MILLIS);
        if (first == NonBlockingReader.READ_EXPIRED) {
          continue;
        }
        if (first < 0) {
          return true; // the terminal's input ended: nothing more can be typed
        }
        chars[0] = (char) first;
        n = 1;
        int more;
        while (n < chars.length && (more = reader.read(1L)) >= 0) {
          chars[n++] = (char) more;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (int i = 0; i < n; i++) {
        if (chars[i] == DETACH) {
          send(socket, CharBuffer.wrap(chars, 0, i));
          return true;
        }
      }
      send(socket, CharBuffer.wrap(chars, 0, n));
    }
    return false;
  }

  // Sends run one at a time, each awaited: a WebSocket refuses a send while another is pending.

  private static void send(WebSocket socket, CharBuffer typed) {
    if (!typed.hasRemaining()) {
      return;
    }
    try {
      socket.sendBinary(StandardCharsets.UTF_8.encode(typed), true).join();
    } catch (CompletionException closedMeanwhile) {
      // the socket closed as this was typed: the loop sees it
    }
  }

  private void sendSize(WebSocket socket) {
    try {
      socket
          .sendText(
              "{\"resize\": {\"cols\": "
                  + terminal.getWidth()
                  + ", \"rows\": "
                  + terminal.getHeight()
                  + "}}",
              true)
          .join();
    } catch (CompletionException closedMeanwhile) {
      // as above
    }
  }
}
