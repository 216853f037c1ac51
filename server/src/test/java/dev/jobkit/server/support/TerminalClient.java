package dev.jobkit.server.support;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A web terminal's client as a program other than the browser page would be: {@link
 * java.net.http.WebSocket} on the terminal's {@code socket_url}, typing binary frames, reading the
 * screen's bytes and the service's text frames ({@code {"exit":N}}).
 */
public final class TerminalClient implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final WebSocket socket;
  private final StringBuffer screen;
  private final List<String> texts;
  private final CompletableFuture<Integer> closed;

  private TerminalClient(
      WebSocket socket,
      StringBuffer screen,
      List<String> texts,
      CompletableFuture<Integer> closed) {
    this.socket = socket;
    this.screen = screen;
    this.texts = texts;
    this.closed = closed;
  }

  /**
   * Connects to {@code socketUrl}, with {@code origin} as its {@code Origin} header unless null.
   *
   * @throws CompletionException when the handshake is refused ({@link
   *     java.net.http.WebSocketHandshakeException} as its cause, with the response)
   */
  public static TerminalClient connect(String socketUrl, String origin) {
    StringBuffer screen = new StringBuffer();
    List<String> texts = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
    if (origin != null) {
      builder.header("Origin", origin);
    }
    WebSocket socket =
        builder
            .buildAsync(
                URI.create(socketUrl),
                new WebSocket.Listener() {
                  private final StringBuilder text = new StringBuilder();

                  @Override
                  public CompletionStage<?> onBinary(
                      WebSocket webSocket, ByteBuffer data, boolean last) {
                    screen.append(StandardCharsets.UTF_8.decode(data));
                    webSocket.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                      texts.add(text.toString());
                      text.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(
                      WebSocket webSocket, int statusCode, String reason) {
                    closed.complete(statusCode);
                    return null;
                  }

                  @Override
                  public void onError(WebSocket webSocket, Throwable error) {
                    closed.completeExceptionally(error);
                  }
                })
            .join();
    return new TerminalClient(socket, screen, texts, closed);
  }

  /** Types {@code line} and Enter. */
  public void type(String line) {
    socket.sendBinary(ByteBuffer.wrap((line + "\r").getBytes(StandardCharsets.UTF_8)), true).join();
  }

  /** Sends a control message. */
  public void control(String json) {
    socket.sendText(json, true).join();
  }

  /** Everything the terminal wrote so far. */
  public String screen() {
    return screen.toString();
  }

  /** Waits until the screen shows {@code text}; returns the screen. */
  public String awaitScreen(String text) {
    await().atMost(WAIT).until(() -> screen.indexOf(text) >= 0);
    return screen();
  }

  /** Waits until the screen shows {@code label=[<digits>]}; the digits. */
  public String awaitNumber(String label) {
    java.util.regex.Pattern pattern =
        java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(label + "=[") + "(\\d+)\\]");
    await().atMost(WAIT).until(() -> pattern.matcher(screen).find());
    java.util.regex.Matcher matcher = pattern.matcher(screen);
    matcher.find();
    return matcher.group(1);
  }

  /** Types {@code line} and waits for {@code label=[<digits>]}; the digits. */
  public String awaitNumberAfter(String line, String label) {
    type(line);
    return awaitNumber(label);
  }

  /** The text frames the service sent. */
  public List<String> texts() {
    return texts;
  }

  /** Waits for the service to close the socket; its close code. */
  public int awaitClosed() {
    return closed.orTimeout(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
  }

  /** Closes the socket from this side, as a closed browser tab does. */
  @Override
  public void close() {
    if (!closed.isDone()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
      socket.abort();
    }
  }
}
