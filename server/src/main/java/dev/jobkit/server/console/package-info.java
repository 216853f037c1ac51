/**
 * The web console: static files served from the jar at {@code /} (Spring Boot's static resources,
 * {@code classpath:/static/}), and the security headers of its responses ({@code
 * ConsoleHeadersFilter}). The console itself talks to the HTTP API only, with the API key the
 * person pasted, as any other client does; see docs/console.md.
 */
package dev.jobkit.server.console;
