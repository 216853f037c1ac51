package dev.jobkit.sdk.jobs;

import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A web terminal into one running pod of a job: an interactive shell in the pod's work dir, as the
 * pod's account, for the job's owner or an admin. Both addresses carry the same ticket, which opens
 * the terminal once and only until {@code expiresAt} (60 s after it was asked for, unless the
 * service sets {@code jobkit.console.terminal-ttl}); ask again for another session.
 *
 * <pre>{@code
 * TerminalUrl terminal = client.jobs().terminal(jobId, 0);
 * java.awt.Desktop.getDesktop().browse(java.net.URI.create(terminal.url()));
 * }</pre>
 *
 * @param url the page to open in a browser ({@code <service>/terminal#<ticket>})
 * @param socketUrl the WebSocket a program other than the browser page connects to instead ({@code
 *     ws://…/api/v1/terminal/socket?ticket=…}); binary frames carry the terminal's bytes, text
 *     frames control messages (docs/console.md)
 * @param expiresAt when the ticket stops working if it has not been used
 * @param jobId the job
 * @param pod the pod's index
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TerminalUrl(String url, String socketUrl, Instant expiresAt, String jobId, int pod) {}
