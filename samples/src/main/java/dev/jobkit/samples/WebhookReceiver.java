package dev.jobkit.samples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jobkit.sdk.webhooks.WebhookEvent;
import dev.jobkit.sdk.webhooks.WebhookSignatureException;
import dev.jobkit.sdk.webhooks.WebhookVerifier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import tools.jackson.databind.json.JsonMapper;

/**
 * A webhook receiver in plain Java ({@code com.sun.net.httpserver}): it checks each delivery's
 * signature with {@link WebhookVerifier}, drops a delivery it already had, and hands the event on.
 * Run it with the webhook's secret in {@code JOBKIT_WEBHOOK_SECRET} and a port as its argument,
 * then point a webhook at {@code http://HOST:PORT/jobkit}.
 */
public final class WebhookReceiver {

  private WebhookReceiver() {}

  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
    start(
        port,
        System.getenv("JOBKIT_WEBHOOK_SECRET"),
        e -> System.out.println(e.jobId() + " " + e.fromStatus() + " -> " + e.toStatus()));
  }

  /** Listens on {@code port} (0: any free one) and calls {@code onEvent} once per delivery. */
  public static HttpServer start(int port, String secret, Consumer<WebhookEvent> onEvent)
      throws IOException {
    // [webhook-receiver]
    WebhookVerifier verifier = WebhookVerifier.create(secret); // 5-minute replay window
    JsonMapper json = JsonMapper.builder().build();
    Set<String> seen = ConcurrentHashMap.newKeySet(); // keep it in your database instead

    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext(
        "/jobkit",
        (HttpExchange exchange) -> {
          try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes(); // the exact bytes signed
            try {
              verifier.verify(exchange.getRequestHeaders().getFirst("Jobkit-Signature"), body);
            } catch (WebhookSignatureException e) {
              exchange.sendResponseHeaders(400, -1); // not from the service, or replayed
              return;
            }
            // A delivery whose answer was lost comes again, with the same Jobkit-Delivery id.
            if (seen.add(exchange.getRequestHeaders().getFirst("Jobkit-Delivery"))) {
              onEvent.accept(json.readValue(body, WebhookEvent.class));
            }
            exchange.sendResponseHeaders(204, -1); // any 2xx; anything else is retried
          }
        });
    server.start();
    // [webhook-receiver]
    return server;
  }
}
