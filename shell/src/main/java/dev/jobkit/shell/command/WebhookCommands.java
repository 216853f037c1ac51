package dev.jobkit.shell.command;

import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.ValidationException;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.webhooks.Delivery;
import dev.jobkit.sdk.webhooks.Webhook;
import dev.jobkit.sdk.webhooks.WebhookSpec;
import dev.jobkit.shell.render.Table;
import dev.jobkit.shell.render.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@code webhook} commands: make a webhook (its secret is printed this once), list yours, show
 * a webhook's deliveries and delete one, asking first as {@code dataset delete} does.
 */
final class WebhookCommands {

  static final String GROUP = "Webhooks";

  private static final Output.Format[] FORMATS = {
    Output.Format.JSON, Output.Format.NAME, Output.Format.JSONPATH, Output.Format.CUSTOM_COLUMNS
  };

  private static final Opt OUTPUT = Output.option(FORMATS);

  private WebhookCommands() {}

  static List<JobkitCommand> all(Session session) {
    List<JobkitCommand> commands = new ArrayList<>();
    commands.add(
        JobkitCommand.named("webhook create", session)
            .group(GROUP)
            .description("Have the service POST your jobs' transitions to a URL, signed")
            .option(Opt.value("url", "URL", "where to POST each transition (http or https)"))
            .option(
                Opt.value("status", "STATUS", "only entries into these statuses (aliases too)")
                    .many())
            .option(Opt.value("app", "APP", "only jobs of these apps").many())
            .option(Opt.value("owner", "USER", "only these users' jobs (an admin only)").many())
            .option(
                Opt.value("secret", "SECRET", "the signing key (default: the service makes one)"))
            .option(JobCommands.JSON)
            .examples(
                """
                  webhook create --url https://ci.example.com/jobkit --status completed,failed
                  webhook create --url http://10.0.0.5:8090/jobkit --app train\
                """)
            .action(WebhookCommands::create));
    commands.add(
        JobkitCommand.named("webhook list", session)
            .group(GROUP)
            .description("List your webhooks, newest first")
            .option(JobCommands.JSON)
            .option(OUTPUT)
            .action(
                in -> {
                  Output output = Output.of(in, FORMATS);
                  List<Webhook> webhooks = in.client().webhooks().list();
                  output.items(in.render(), webhooks, ws -> webhooks(in, ws), Webhook::id);
                  return Exits.OK;
                }));
    commands.add(
        JobkitCommand.named("webhook deliveries", session)
            .group(GROUP)
            .description("Show a webhook's deliveries, newest first: attempts and answers")
            .option(Opt.value("limit", "N", "how many (1-500, default 50)"))
            .option(JobCommands.JSON)
            .option(OUTPUT)
            .arguments("ID", null)
            .action(
                in -> {
                  Output output = Output.of(in, FORMATS);
                  String id = in.argument("a webhook id");
                  int limit = in.integer("limit", 1, 500).orElse(50);
                  List<Delivery> deliveries =
                      found(() -> in.client().webhooks().deliveries(id, limit), id);
                  output.items(in.render(), deliveries, ds -> deliveries(in, ds), Delivery::id);
                  return Exits.OK;
                }));
    commands.add(
        JobkitCommand.named("webhook delete", session)
            .group(GROUP)
            .description("Delete a webhook; its pending deliveries are not sent")
            .option(Opt.flag("yes", "do not ask; for scripts").shortName('y'))
            .arguments("ID", null)
            .action(WebhookCommands::delete));
    return commands;
  }

  private static int create(Invocation in) {
    String url =
        in.string("url")
            .orElseThrow(
                () ->
                    new UsageException(
                        "webhook create needs --url, such as 'webhook create --url"
                            + " https://ci.example.com/jobkit'"));
    List<JobStatus> statuses = new ArrayList<>();
    for (String status : in.strings("status")) {
      try {
        statuses.add(JobStatus.parse(status));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--status: " + e.getMessage());
      }
    }
    WebhookSpec spec =
        new WebhookSpec(
            url,
            statuses,
            in.strings("app"),
            in.strings("owner"),
            in.string("secret").orElse(null));
    Webhook webhook;
    try {
      webhook = in.client().webhooks().create(spec);
    } catch (ValidationException v) {
      throw AppCommands.fieldErrors(
          v,
          field ->
              switch (field) {
                case "statuses" -> "--status";
                case "apps" -> "--app";
                case "owners" -> "--owner";
                default -> "--" + field;
              });
    }
    if (in.flag("json")) {
      in.render().json(webhook);
    } else {
      in.out().println("created webhook " + in.style().bold(webhook.id()) + " -> " + webhook.url());
      in.out().println("secret " + webhook.secret());
      in.out()
          .println(
              in.style()
                  .dim(
                      "shown this once: give it to your receiver, which checks each delivery's"
                          + " Jobkit-Signature with it"));
    }
    return Exits.OK;
  }

  /** The webhooks' table: ID URL STATUSES APPS CREATED. */
  private static void webhooks(Invocation in, List<Webhook> webhooks) {
    if (webhooks.isEmpty()) {
      in.render().note("no webhooks; make one with 'webhook create --url URL'");
      return;
    }
    Table t = Table.of("ID", "URL", "STATUSES", "APPS", "CREATED").flexible("URL");
    Instant now = Instant.now();
    webhooks.forEach(
        w ->
            t.row(
                w.id(),
                w.url(),
                w.statuses().isEmpty()
                    ? "(all)"
                    : String.join(",", w.statuses().stream().map(Enum::name).toList()),
                w.apps().isEmpty() ? "(all)" : String.join(",", w.apps()),
                Times.relative(w.createdAt(), now)));
    t.print(in.out(), in.style(), in.width());
  }

  /** The deliveries' table: ID JOB EVENT STATE ATTEMPTS ANSWER WHEN. */
  private static void deliveries(Invocation in, List<Delivery> deliveries) {
    if (deliveries.isEmpty()) {
      in.render().note("no deliveries yet; one is made for each matching transition");
      return;
    }
    Table t =
        Table.of("ID", "JOB", "EVENT", "STATE", "ATTEMPTS", "ANSWER", "NEXT").flexible("ANSWER");
    Instant now = Instant.now();
    deliveries.forEach(
        d ->
            t.row(
                d.id(),
                d.jobId(),
                String.valueOf(d.eventId()),
                d.state().wireName(),
                String.valueOf(d.attempts()),
                d.lastError() != null
                    ? d.lastError()
                    : d.lastStatus() == null ? "" : String.valueOf(d.lastStatus()),
                d.state().wireName().equals("pending")
                    ? Times.relative(d.nextAttemptAt(), now)
                    : ""));
    t.print(in.out(), in.style(), in.width());
  }

  private static <T> T found(Supplier<T> read, String id) {
    try {
      return read.get();
    } catch (NotFoundException missing) {
      throw new MissingException(
          "there is no webhook " + id + " that you may see; 'webhook list' shows yours");
    }
  }

  private static int delete(Invocation in) {
    String id = in.argument("a webhook id");
    return new RecordDelete<Webhook>(
            "webhook " + id,
            () -> in.client().webhooks().get(id),
            () -> in.client().webhooks().delete(id))
        .run(
            in,
            "there is no webhook "
                + id
                + " that you may see ('webhook list' shows yours); nothing was done",
            webhook ->
                "Webhook "
                    + id
                    + " -> "
                    + webhook.url()
                    + " will be deleted with its deliveries; pending ones are not sent. Delete"
                    + " it? [yes/no]",
            webhook -> "deleted webhook " + id);
  }
}
