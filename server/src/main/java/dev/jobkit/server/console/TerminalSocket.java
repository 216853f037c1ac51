package dev.jobkit.server.console;

import dev.jobkit.server.ApiException;
import dev.jobkit.server.exec.PodTerminal;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The web terminal's WebSocket ({@value Terminals#SOCKET_PATH}{@code ?ticket=…}).
 *
 * <p>The handshake: a request that carries an {@code Origin} must come from the service's own
 * origin (scheme, host and port of the request), else 403 before the ticket is looked at; then the
 * ticket is taken (a second use, or one past its time, is 403) and the pod checked (409 when the
 * job or the pod has ended meanwhile). The shell starts once the socket is open; if it cannot, the
 * service sends {@code {"error":"<why>"}} and closes with 1011. A request without {@code Origin} is
 * not a browser's, so it cannot be a cross-site one.
 *
 * <p>The frames: binary from the client is typed at the terminal; text from the client is a control
 * message, {@code {"resize":{"cols":N,"rows":M}}}; binary from the service is the terminal's
 * output; when the shell has ended the service sends {@code {"exit":<code>}} (null when unknown)
 * and closes with 1000. A client that closes the socket hangs the shell up.
 */
@Component
class TerminalSocket extends AbstractWebSocketHandler implements HandshakeInterceptor {

  private static final Logger log = LoggerFactory.getLogger(TerminalSocket.class);
  private static final String TICKET = "jobkit.terminal.ticket";
  private static final String TERMINAL = "jobkit.terminal";
  private static final String TEXT = "jobkit.terminal.text";
  private static final String CLIENT_CLOSED = "jobkit.terminal.client-closed";
  private static final int MAX_SIDE = 1000;

  private final Terminals terminals;
  private final JsonMapper json;

  TerminalSocket(Terminals terminals, JsonMapper json) {
    this.terminals = terminals;
    this.json = json;
  }

  // ---- the handshake

  @Override
  public boolean beforeHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler handler,
      Map<String, Object> attributes) {
    HttpServletRequest servlet = ((ServletServerHttpRequest) request).getServletRequest();
    String origin = servlet.getHeader("Origin");
    if (origin != null && !origin.equalsIgnoreCase(ownOrigin(servlet))) {
      return refuse(
          response,
          HttpStatus.FORBIDDEN,
          "forbidden",
          "a terminal opens only from the service's own pages, not from " + origin);
    }
    var ticket = terminals.redeem(servlet.getParameter("ticket"));
    if (ticket.isEmpty()) {
      return refuse(
          response,
          HttpStatus.FORBIDDEN,
          "forbidden",
          "this terminal ticket was used already, has expired or was never issued; ask for a new"
              + " one (POST /api/v1/jobs/{id}/pods/{pod}/terminal)");
    }
    try {
      // Checked here for an answer in HTTP; the shell starts once the socket is open, so a
      // handshake that fails after this point leaves nothing running.
      terminals.check(ticket.get());
    } catch (ApiException e) {
      return refuse(response, e.status(), e.code(), e.getMessage());
    }
    attributes.put(TICKET, ticket.get());
    return true;
  }

  @Override
  public void afterHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler handler,
      Exception exception) {
    // Nothing started yet: the ticket is used up, and that is all.
  }

  /** {@code scheme://host:port} of the request, the port left out where it is the scheme's own. */
  private static String ownOrigin(HttpServletRequest request) {
    String scheme = request.getScheme().toLowerCase(java.util.Locale.ROOT);
    int port = request.getServerPort();
    boolean defaultPort =
        port < 0
            || ("http".equals(scheme) && port == 80)
            || ("https".equals(scheme) && port == 443);
    String host = request.getServerName();
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return scheme + "://" + host + (defaultPort ? "" : ":" + port);
  }

  private boolean refuse(ServerHttpResponse response, HttpStatus status, String code, String why) {
    response.setStatusCode(status);
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    try {
      response
          .getBody()
          .write(
              json.writeValueAsBytes(
                  Map.of(
                      "status",
                      status.value(),
                      "code",
                      code,
                      "title",
                      status.getReasonPhrase(),
                      "detail",
                      why)));
    } catch (IOException e) {
      log.debug("could not write a terminal handshake's refusal", e);
    }
    return false;
  }

  // ---- the session

  @Override
  public void afterConnectionEstablished(WebSocketSession session) throws IOException {
    TerminalTickets.Ticket ticket = (TerminalTickets.Ticket) session.getAttributes().get(TICKET);
    PodTerminal terminal;
    try {
      terminal = terminals.open(ticket);
    } catch (ApiException | java.io.UncheckedIOException e) {
      // The job or the pod ended since the handshake's check, or the shell could not start.
      session.sendMessage(
          new TextMessage(json.writeValueAsString(Map.of("error", e.getMessage()))));
      session.close(CloseStatus.SERVER_ERROR);
      return;
    }
    session.getAttributes().put(TERMINAL, terminal);
    // Which pod this is, before any of its output: the page's URL names only the ticket.
    ObjectNode connected = json.createObjectNode();
    connected.putObject("connected").put("job_id", ticket.jobId()).put("pod", ticket.pod());
    session.sendMessage(new TextMessage(json.writeValueAsString(connected)));
    AtomicBoolean clientClosed = new AtomicBoolean();
    session.getAttributes().put(CLIENT_CLOSED, clientClosed);
    terminal.start(
        new PodTerminal.Listener() {
          @Override
          public void output(byte[] bytes) {
            if (!session.isOpen()) {
              return;
            }
            try {
              session.sendMessage(new BinaryMessage(bytes));
            } catch (IOException | RuntimeException e) {
              terminal.hangUp();
            }
          }

          @Override
          public void ended(Integer exitCode) {
            String how =
                clientClosed.get()
                    ? "its connection closed; the shell was hung up"
                    : exitCode == null ? "the shell ended" : "shell exited " + exitCode;
            try {
              terminals.closed(ticket, how);
            } catch (RuntimeException e) {
              // The service may be stopping: the session ends all the same.
              log.warn("could not record the end of a terminal of job {}", ticket.jobId(), e);
            }
            if (session.isOpen()) {
              try {
                session.sendMessage(new TextMessage("{\"exit\":" + exitCode + "}"));
                session.close(CloseStatus.NORMAL);
              } catch (IOException | RuntimeException e) {
                log.debug("could not tell a terminal's client its end", e);
              }
            }
          }
        });
  }

  @Override
  protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message)
      throws IOException {
    ByteBuffer payload = message.getPayload();
    byte[] bytes = new byte[payload.remaining()];
    payload.get(bytes);
    PodTerminal terminal = terminal(session);
    if (terminal != null) {
      terminal.input(bytes);
    }
  }

  @Override
  protected void handleTextMessage(WebSocketSession session, TextMessage message)
      throws IOException {
    StringBuilder text =
        (StringBuilder) session.getAttributes().computeIfAbsent(TEXT, k -> new StringBuilder());
    text.append(message.getPayload());
    if (!message.isLast()) {
      return;
    }
    String whole = text.toString();
    text.setLength(0);
    JsonNode control;
    try {
      control = json.readTree(whole);
    } catch (JacksonException e) {
      return; // not a control message: ignored, as an unknown one is
    }
    JsonNode resize = control.path("resize");
    int cols = resize.path("cols").asInt(0);
    int rows = resize.path("rows").asInt(0);
    PodTerminal terminal = terminal(session);
    if (terminal != null && cols > 0 && rows > 0 && cols <= MAX_SIDE && rows <= MAX_SIDE) {
      terminal.resize(cols, rows);
    }
  }

  @Override
  public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
    AtomicBoolean clientClosed = (AtomicBoolean) session.getAttributes().get(CLIENT_CLOSED);
    PodTerminal terminal = terminal(session);
    if (terminal == null) {
      return;
    }
    if (clientClosed != null && !terminal.ended().isDone()) {
      clientClosed.set(true);
    }
    terminal.hangUp();
  }

  @Override
  public void handleTransportError(WebSocketSession session, Throwable exception) {
    PodTerminal terminal = terminal(session);
    if (terminal != null) {
      terminal.hangUp();
    }
  }

  @Override
  public boolean supportsPartialMessages() {
    return true;
  }

  private static PodTerminal terminal(WebSocketSession session) {
    return (PodTerminal) session.getAttributes().get(TERMINAL);
  }
}
