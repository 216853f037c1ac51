package dev.jobkit.server.console;

import dev.jobkit.server.store.Actor;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The web terminal's tickets: 256 random bits, URL-safe, each good for one WebSocket handshake
 * within {@code jobkit.console.terminal-ttl} of its making. Kept in this service's memory only: a
 * ticket opens a shell on the service that runs the pod, which is the one that made it, and a
 * restart forgets the tickets with the shells.
 */
@Component
class TerminalTickets {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** What a ticket opens, for whom, until when. */
  record Ticket(String jobId, int pod, Actor actor, Instant expiresAt) {}

  private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
  private final Duration ttl;
  private final Clock clock;

  TerminalTickets(ConsoleProperties properties) {
    this.ttl = properties.terminalTtl();
    this.clock = Clock.systemUTC();
  }

  /** A new ticket for a terminal into pod {@code pod} of {@code jobId}, for {@code actor}. */
  Issued issue(String jobId, int pod, Actor actor) {
    Instant now = clock.instant();
    // Expired tickets go when a new one is made: there are as few as people ask for terminals.
    tickets.values().removeIf(t -> !now.isBefore(t.expiresAt()));
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Ticket ticket = new Ticket(jobId, pod, actor, now.plus(ttl));
    tickets.put(value, ticket);
    return new Issued(value, ticket);
  }

  /** A ticket as made: its value and what it opens. */
  record Issued(String value, Ticket ticket) {}

  /**
   * Takes the ticket: it is gone afterwards, whatever the answer, so two handshakes with one ticket
   * never both pass.
   *
   * @return what it opens, or empty when it is unknown, used already or expired
   */
  Optional<Ticket> consume(String value) {
    if (value == null) {
      return Optional.empty();
    }
    Ticket ticket = tickets.remove(value);
    if (ticket == null || !clock.instant().isBefore(ticket.expiresAt())) {
      return Optional.empty();
    }
    return Optional.of(ticket);
  }
}
