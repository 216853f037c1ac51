/**
 * The web console: static files served from the jar at {@code /} (Spring Boot's static resources,
 * {@code classpath:/static/}), and the security headers of its responses ({@code
 * ConsoleHeadersFilter}). The console itself talks to the HTTP API only, with the API key the
 * person pasted, as any other client does; see docs/console.md.
 *
 * <p>The web terminal lives here too: the endpoint that makes a single-use ticket ({@code
 * TerminalController}, {@code Terminals}, {@code TerminalTickets}), the WebSocket that takes it and
 * carries the shell's bytes ({@code TerminalSocket}), and its page ({@code /terminal}, {@code
 * static/terminal.html}). The shell itself is the executor's ({@code exec.PodTerminal}).
 */
package dev.jobkit.server.console;
