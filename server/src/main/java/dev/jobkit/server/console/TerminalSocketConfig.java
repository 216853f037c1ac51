package dev.jobkit.server.console;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * Serves the web terminal's WebSocket at {@value Terminals#SOCKET_PATH}, with its own handshake
 * checks ({@link TerminalSocket}), ahead of Spring's same-origin check, which stays as a second
 * line.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class TerminalSocketConfig implements WebSocketConfigurer {

  private final TerminalSocket socket;

  TerminalSocketConfig(TerminalSocket socket) {
    this.socket = socket;
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
    registry.addHandler(socket, Terminals.SOCKET_PATH).addInterceptors(socket);
  }
}
