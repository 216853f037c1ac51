package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.CANCELED;
import static dev.jobkit.sdk.lifecycle.JobStatus.CANCEL_REQUESTED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.Chromium;
import dev.jobkit.server.support.Gates;
import dev.jobkit.server.support.JobkitService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser: Debian's Chromium, headless, driven by Selenium through
 * Debian's chromedriver (nothing is downloaded). One service and one browser for the class; the
 * tests run in order on the same tab.
 *
 * <p>Without {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} the class is skipped,
 * except in CI ({@code CI=true}), where it fails: {@code .ci/run} installs them. With {@code
 * -Djobkit.console.screenshots=true} it saves docs/images/console-jobs.png and console-job.png.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

  @RegisterExtension static final JobkitService service = JobkitService.own();

  private static Chromium chromium;
  private static WebDriver browser;

  /** The job the stop test canceled. */
  private static String stopped;

  /** Where the browser saves downloads (Chrome's download.default_directory). */
  private static Path downloads;

  private final Api api = service.user();
  private final Gates gates = service.gates();

  @BeforeAll
  static void openBrowser() {
    chromium = Chromium.start();
    browser = chromium.driver();
    downloads = chromium.downloads();
  }

  @AfterAll
  static void closeBrowser() {
    if (chromium != null) {
      chromium.close();
    }
  }

  private static WebDriverWait waiting() {
    return chromium.waiting();
  }

  private static WebElement visible(String css) {
    return chromium.visible(css);
  }

  private static void textIn(String css, String text) {
    chromium.textIn(css, text);
  }

  private static Object script(String js, Object... args) {
    return chromium.script(js, args);
  }

  private String console() {
    return service.server().baseUrl() + "/";
  }

  /** Opens the console and signs in with this class's user's key, unless signed in already. */
  private void signedIn() {
    if (!browser.getCurrentUrl().startsWith(console())) {
      browser.get(console());
    }
    waiting()
        .until(
            d ->
                !d.findElements(By.id("sign-in")).isEmpty()
                    || !d.findElements(By.id("jobs")).isEmpty()
                    || !d.findElements(By.id("job-title")).isEmpty());
    if (!browser.findElements(By.id("sign-in")).isEmpty()) {
      WebElement key = browser.findElement(By.id("api-key"));
      key.clear();
      key.sendKeys(service.userKey());
      browser.findElement(By.id("sign-in-button")).click();
      visible("#who");
    }
  }

  private void jobsPage() {
    signedIn();
    script("location.hash = '#/jobs'");
    visible("#jobs");
    textIn("#live-state", "live");
  }

  private WebElement row(String jobId) {
    return visible("tr[data-job-id='" + jobId + "']");
  }

  private static String withoutAge(String prompt) {
    return prompt.replaceFirst("submitted [^;)]*", "submitted …");
  }

  /** Saves the page, {@code height} pixels of it, when -Djobkit.console.screenshots=true. */
  private static void screenshot(String name, int height) {
    if (!Boolean.getBoolean("jobkit.console.screenshots")) {
      return;
    }
    browser.manage().window().setSize(new Dimension(1280, height));
    script("window.scrollTo(0, 0); document.activeElement?.blur()");
    try {
      chromium.screenshot(name);
    } finally {
      browser.manage().window().setSize(new Dimension(1280, 900));
    }
  }

  @Test
  @Order(1)
  void the_console_is_served_at_the_root_with_its_security_headers() {
    Api.Response page = service.server().anonymous().get("/", "Accept", "text/html");
    page.expect(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.body()).contains("console/app.js").doesNotContain("<script>");
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp)
        .contains("default-src 'self'", "script-src 'self'", "style-src 'self'")
        .contains("connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");

    Api.Response app = service.server().anonymous().get("/console/app.js");
    app.expect(200);
    assertThat(app.contentType()).contains("javascript");
    assertThat(app.headers().firstValue("Content-Security-Policy")).hasValue(csp);

    // The API and the probes are as they were: the console shadows none of them.
    Api.Response me = service.server().anonymous().get("/api/v1/me");
    me.expect(401);
    assertThat(me.headers().firstValue("Content-Security-Policy")).isEmpty();
    service.server().anonymous().get("/healthz").expect(200);
    assertThat(api.get("/api/v1/no-such-thing").expect(404).contentType())
        .startsWith("application/problem+json");
  }

  @Test
  @Order(2)
  void a_wrong_key_is_refused_with_a_message_and_the_right_one_signs_in_and_out() {
    browser.get(console());
    WebElement key = visible("#api-key");
    assertThat(browser.findElement(By.cssSelector("label[for='api-key']")).getText())
        .isEqualTo("API key");
    key.sendKeys("jk_not_a_key_of_anyone_0123456789");
    browser.findElement(By.id("sign-in-button")).click();
    textIn("#sign-in-error", "not accepted");
    assertThat(script("return sessionStorage.getItem('jobkit.apiKey')")).isNull();

    key = browser.findElement(By.id("api-key"));
    key.clear();
    key.sendKeys(service.userKey());
    browser.findElement(By.id("sign-in-button")).click();
    textIn("#who", service.userName());
    visible("#jobs");
    assertThat(browser.getCurrentUrl()).doesNotContain(service.userKey());
    assertThat(browser.manage().getCookies()).isEmpty();
    assertThat(script("return sessionStorage.getItem('jobkit.apiKey')"))
        .isEqualTo(service.userKey());

    browser.findElement(By.id("sign-out")).click();
    visible("#api-key");
    assertThat(script("return sessionStorage.getItem('jobkit.apiKey')")).isNull();
  }

  @Test
  @Order(3)
  void a_job_submitted_after_the_page_opened_appears_live_and_its_status_follows() {
    jobsPage();
    script("window.jobkitNoReload = 'still the same page'");

    Job job =
        api.submit(
            "{\"shell\":"
                + Api.JSON.writeValueAsString("echo training; " + gates.script("live"))
                + ",\"display_name\":\"live-row\",\"tags\":{\"team\":\"vision\"}}");

    WebElement row = row(job.id());
    assertThat(row.findElement(By.cssSelector("td a")).getText()).isEqualTo("live-row");
    waiting().until(d -> "RUNNING".equals(row(job.id()).getAttribute("data-status")));
    textIn("tr[data-job-id='" + job.id() + "'] .badge", "RUNNING");

    gates.open("live");
    waiting().until(d -> "SUCCEEDED".equals(row(job.id()).getAttribute("data-status")));
    textIn("tr[data-job-id='" + job.id() + "'] .badge", "SUCCEEDED");
    assertThat(script("return window.jobkitNoReload")).isEqualTo("still the same page");
    assertThat(api.job(job.id()).status()).isEqualTo(SUCCEEDED);
  }

  @Test
  @Order(4)
  void a_job_page_shows_its_status_events_and_follows_its_log_to_the_end() {
    Job job =
        api.submit(
            "{\"shell\":"
                + Api.JSON.writeValueAsString(
                    "for i in 1 2 3; do echo \"epoch $i: loss 0.$((9 - i))\"; done; "
                        + "echo '{\"percent\": 30, \"message\": \"epoch 3/10\"}'"
                        + " > \"$JOBKIT_PROGRESS_FILE\"; "
                        + "echo '{\"loss\": 0.6}' > \"$JOBKIT_METRICS_FILE\"; "
                        + gates.script("log")
                        + "; echo done-after-the-gate")
                + ",\"display_name\":\"train-resnet\"}");
    api.awaitStatus(job.id(), RUNNING);
    jobsPage();
    row(job.id()).findElement(By.cssSelector("td a")).click();

    textIn("#job-title", "train-resnet");
    textIn("#job-status", "RUNNING");
    textIn("#log", "epoch 3: loss 0.6");
    textIn("#timeline", "RUNNING");
    textIn("#job-progress", "Progress 30 %");
    textIn("#job-progress", "epoch 3/10");
    textIn("#job-metrics", "loss 0.6");

    gates.open("log");
    textIn("#log", "done-after-the-gate");
    textIn("#log-end", "SUCCEEDED");
    textIn("#job-status", "SUCCEEDED");
    textIn("#attempts-body", "SUCCEEDED");
  }

  @Test
  @Order(5)
  void stop_asks_with_the_pre_check_cancel_leaves_the_job_running_and_confirm_cancels_it() {
    Job job =
        api.submit(
            "{\"shell\":"
                + Api.JSON.writeValueAsString(gates.script("never"))
                + ",\"display_name\":\"nightly-sweep\"}");
    api.awaitStatus(job.id(), RUNNING);
    signedIn();
    script("location.hash = arguments[0]", "#/jobs/" + job.id());
    textIn("#job-status", "RUNNING");
    WebElement stop =
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("stop-button")));

    stop.click();
    WebElement dialog = visible("#stop-dialog[open]");
    String prompt = dialog.findElement(By.id("stop-text")).getText();
    assertThat(prompt)
        .startsWith("Job " + job.id() + " \"nightly-sweep\" (owner " + service.userName())
        .contains("is currently RUNNING.")
        .contains(
            "Stopping a running job cannot be undone and discards any progress it has not"
                + " checkpointed.")
        .endsWith("Stop it?");
    // The same words as the SDK's pre-check, which the shell and the agent tools show (the age
    // of the job aside: it was read at another second).
    String sdkPrompt =
        service
            .client(service.userKey())
            .guarded(Confirmers.denyAll())
            .precheckStop(job.id())
            .prompt();
    assertThat(withoutAge(prompt + " [yes/no]")).isEqualTo(withoutAge(sdkPrompt));
    assertThat(dialog.findElement(By.id("stop-expected")).getText()).isEqualTo("RUNNING");
    assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("stop-cancel");
    dialog.findElement(By.id("stop-cancel")).click();

    textIn("#stop-outcome-kind", "DECLINED");
    textIn("#stop-outcome", "was left RUNNING");
    assertThat(browser.findElement(By.id("stop-dialog")).getAttribute("open")).isNull();
    assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("stop-button");
    assertThat(api.job(job.id()).status()).isEqualTo(RUNNING);

    // By keyboard: Enter on the focused Stop button opens the dialog, Escape declines.
    script("document.getElementById('stop-outcome').textContent = ''");
    browser.switchTo().activeElement().sendKeys(Keys.ENTER);
    visible("#stop-dialog[open]");
    browser.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    textIn("#stop-outcome-kind", "DECLINED");
    assertThat(api.job(job.id()).status()).isEqualTo(RUNNING);

    browser.findElement(By.id("stop-button")).click();
    visible("#stop-dialog[open]").findElement(By.id("stop-confirm")).click();
    textIn("#stop-outcome-kind", "APPLIED");
    textIn("#job-status", "CANCELED");
    assertThat(api.job(job.id()).status()).isEqualTo(CANCELED);
    List<String> stops =
        api.events(job.id()).stream()
            .filter(e -> e.toStatus() == CANCEL_REQUESTED)
            .map(e -> e.actor())
            .toList();
    assertThat(stops).containsExactly(service.userName());

    jobsPage();
    textIn("tr[data-job-id='" + job.id() + "'] .badge", "CANCELED");
    screenshot("console-jobs.png", 760);
    stopped = job.id();
  }

  @Test
  @Order(6)
  void the_table_filters_by_status_and_pages_by_the_cursor() {
    jobsPage();
    new Select(browser.findElement(By.id("filter-status"))).selectByValue("SUCCEEDED");
    browser.findElement(By.cssSelector("#filters button[type='submit']")).click();
    waiting().until(d -> d.getCurrentUrl().contains("status=SUCCEEDED"));
    waiting()
        .until(
            d ->
                !ids(d).isEmpty()
                    && !ids(d).contains(stopped)
                    && statuses(d).stream().allMatch("SUCCEEDED"::equals));

    List<String> newestFirst = api.listAll("limit=1000").stream().map(Job::id).limit(2).toList();
    script("location.hash = '#/jobs?limit=1'");
    waiting().until(d -> ids(d).equals(List.of(newestFirst.get(0))));
    assertThat(browser.findElement(By.id("page-prev")).isEnabled()).isFalse();
    browser.findElement(By.id("page-next")).click();
    waiting().until(d -> ids(d).equals(List.of(newestFirst.get(1))));
    textIn("#page-label", "Page 2");
    browser.findElement(By.id("page-prev")).click();
    waiting().until(d -> ids(d).equals(List.of(newestFirst.get(0))));
  }

  @Test
  @Order(7)
  void after_the_service_comes_back_the_table_resumes_its_stream_and_misses_nothing() {
    jobsPage();
    script("window.jobkitNoReload = 'before the restart'");
    service.server().restartOnSamePort(() -> textIn("#live-state", "reconnecting"));

    // Submitted at once: the page may not have reconnected yet, and then only the replay from
    // Last-Event-ID brings this job's events (a new stream starts with the events after it).
    Job job = api.submitShell("echo back");
    waiting().until(d -> "SUCCEEDED".equals(row(job.id()).getAttribute("data-status")));
    textIn("#live-state", "live");
    assertThat(script("return window.jobkitNoReload")).isEqualTo("before the restart");
  }

  @Test
  @Order(8)
  void a_job_page_lists_its_results_and_a_download_matches_the_checksum_shown() throws Exception {
    String content = "weights of the console test " + System.nanoTime() + "\n";
    Job job =
        api.submit(
            "{\"shell\":"
                + Api.JSON.writeValueAsString(
                    "mkdir -p \"$JOBKIT_OUTPUT_DIR/model\"; printf '%s' "
                        + shellQuote(content)
                        + " > \"$JOBKIT_OUTPUT_DIR/model/w.bin\"; echo a,b > \"$JOBKIT_OUTPUT_DIR/table.csv\"")
                + ",\"display_name\":\"with-results\"}");
    api.awaitStatus(job.id(), SUCCEEDED);
    signedIn();
    script("location.hash = arguments[0]", "#/jobs/" + job.id());
    textIn("#results-summary", "2 file(s)");
    textIn("#results-summary", "final");
    String shown = visible("tr[data-path='model/w.bin'] code.sha").getText().trim();
    assertThat(shown).isEqualTo(sha256(content.getBytes(StandardCharsets.UTF_8)));
    assertThat(visible("tr[data-path='model/w.bin'] td.num").getText()).endsWith(" B");

    browser.findElement(By.cssSelector("button[aria-label='Download model/w.bin']")).click();
    Path saved = downloads.resolve("w.bin");
    waiting()
        .until(
            d ->
                Files.exists(saved)
                    && !Files.exists(downloads.resolve("w.bin.crdownload"))
                    && size(saved) == content.length());
    textIn("#results-state", "Downloaded model/w.bin");
    byte[] got = Files.readAllBytes(saved);
    assertThat(sha256(got)).isEqualTo(shown);
    assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo(content);

    browser.findElement(By.id("results-zip")).click();
    Path zip = downloads.resolve(job.id() + "-results.zip");
    waiting()
        .until(
            d ->
                Files.exists(zip)
                    && !Files.exists(downloads.resolve(zip.getFileName() + ".crdownload"))
                    && size(zip) > 0);
    List<String> entries = new java.util.ArrayList<>();
    try (java.util.zip.ZipInputStream in =
        new java.util.zip.ZipInputStream(Files.newInputStream(zip))) {
      for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
        entries.add(e.getName());
      }
    }
    assertThat(entries).containsExactlyInAnyOrder("model/w.bin", "table.csv");
    // The key went as a header only: nothing of it in the address, no cookie.
    assertThat(browser.getCurrentUrl()).doesNotContain(service.userKey());
    assertThat(browser.manage().getCookies()).isEmpty();
  }

  @Test
  @Order(9)
  void a_job_page_charts_each_numeric_metric_over_the_time_it_is_open() {
    Job job =
        api.submit(
            "{\"shell\":"
                + Api.JSON.writeValueAsString(
                    "echo 'epoch 1: loss 0.9'; echo '{\"percent\": 50, \"message\": \"epoch 1/2\"}'"
                        + " > \"$JOBKIT_PROGRESS_FILE\"; "
                        + "echo '{\"loss\": 0.9, \"accuracy\": 0.5, \"note\": \"text\"}'"
                        + " > \"$JOBKIT_METRICS_FILE\"; "
                        + gates.script("m1")
                        + "; echo 'epoch 2: loss 0.5'; "
                        + "echo '{\"loss\": 0.5, \"accuracy\": 0.7}' > \"$JOBKIT_METRICS_FILE\"; "
                        + "echo '{\"percent\": 100, \"message\": \"epoch 2/2\"}'"
                        + " > \"$JOBKIT_PROGRESS_FILE\"; "
                        + gates.script("m2")
                        + "; echo 'saved the model'; echo weights > \"$JOBKIT_OUTPUT_DIR/model.bin\";"
                        + " echo 'epoch,loss' > \"$JOBKIT_OUTPUT_DIR/history.csv\"")
                + ",\"display_name\":\"train-charted\"}");
    api.awaitStatus(job.id(), RUNNING);
    signedIn();
    script("location.hash = arguments[0]", "#/jobs/" + job.id());
    textIn("#job-metrics", "loss 0.9");
    WebElement loss = visible("figure[data-metric='loss']");
    visible("figure[data-metric='loss'] canvas"); // uPlot, from the jar, drew it
    visible("figure[data-metric='accuracy'] canvas");
    assertThat(browser.findElements(By.cssSelector("figure[data-metric='note']"))).isEmpty();
    waiting().until(d -> "0.9".equals(loss.getAttribute("data-latest")));
    WebElement box = loss.findElement(By.cssSelector(".chart-box"));
    assertThat(box.getAttribute("role")).isEqualTo("img");
    assertThat(box.getAttribute("aria-label")).startsWith("loss over time: latest 0.9");
    org.openqa.selenium.Rectangle before = loss.getRect();
    org.openqa.selenium.Rectangle logBefore = browser.findElement(By.id("log")).getRect();

    gates.open("m1");
    waiting()
        .until(
            d ->
                "0.5".equals(loss.getAttribute("data-latest"))
                    && Integer.parseInt(loss.getAttribute("data-points")) >= 2);
    assertThat(box.getAttribute("aria-label")).startsWith("loss over time: latest 0.5");
    // The chart has a fixed size: points arriving move nothing on the page.
    assertThat(loss.getRect()).isEqualTo(before);
    assertThat(browser.findElement(By.id("log")).getRect()).isEqualTo(logBefore);
    // uPlot sets its elements' sizes through element.style, which the CSP allows (no inline
    // style attribute in the served page, no 'unsafe-inline'): the browser refused nothing.
    List<String> messages = new java.util.ArrayList<>();
    script("console.warn('jobkit-chart-probe')");
    waiting()
        .until(d -> browserMessages(messages).stream().anyMatch(m -> m.contains("chart-probe")));
    assertThat(messages).noneMatch(ConsoleIT::refusedByCsp);

    gates.open("m2");
    textIn("#job-status", "SUCCEEDED");
    textIn("#results-summary", "final");
    textIn("#log-end", "SUCCEEDED");
    screenshot("console-job.png", 2200);
  }

  @Test
  @Order(10)
  void a_share_link_opens_the_job_read_only_in_a_fresh_session_until_it_is_revoked() {
    Job job =
        api.submit(
            "{\"shell\":\"echo shared-log-line; echo shared-result > $JOBKIT_OUTPUT_DIR/shared.txt\","
                + "\"display_name\":\"shared-job\"}");
    api.awaitStatus(job.id(), SUCCEEDED);
    signedIn();
    script("location.hash = arguments[0]", "#/jobs/" + job.id());
    textIn("#job-status", "SUCCEEDED");
    new Select(visible("#share-expires")).selectByValue("1d");
    browser.findElement(By.id("share-create")).click();
    WebElement linkField = visible("#share-link");
    waiting().until(d -> !linkField.getAttribute("value").isEmpty());
    String link = linkField.getAttribute("value");
    assertThat(link).startsWith(console() + "#/share/" + job.id() + "/jks_");
    String token = link.substring(link.lastIndexOf('/') + 1);
    WebElement share = visible("#shares-body tr[data-share-id]");
    String shareId = share.getAttribute("data-share-id");
    assertThat(share.findElement(By.cssSelector("td.expires")).getText()).isNotBlank();
    assertThat(
            api.get("/api/v1/jobs/" + job.id() + "/shares")
                .expect(200)
                .json()
                .get("items")
                .get(0)
                .get("id")
                .asString())
        .isEqualTo(shareId);

    String owner = browser.getWindowHandle();
    browser.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
    try {
      browser.get(link); // a fresh tab: its session storage is empty, it has no key
      textIn("#read-only", "Read-only");
      textIn("#read-only", "shared by " + service.userName());
      textIn("#job-title", "shared-job");
      textIn("#job-status", "SUCCEEDED");
      textIn("#log", "shared-log-line");
      textIn("#timeline", "SUCCEEDED");
      // The token left the address (kept in this tab only); no key, no actions.
      waiting().until(d -> d.getCurrentUrl().endsWith("#/shared/" + job.id()));
      assertThat(browser.getCurrentUrl()).doesNotContain(token);
      assertThat(script("return sessionStorage.getItem('jobkit.apiKey')")).isNull();
      assertThat(browser.findElement(By.id("stop-button")).isDisplayed()).isFalse();
      assertThat(browser.findElement(By.id("delete-button")).isDisplayed()).isFalse();
      assertThat(browser.findElements(By.id("share-create"))).isEmpty();
      assertThat(browser.manage().getCookies()).isEmpty();
      textIn("#who", "Read-only share link");
      // Its results download with the share token, sent as a header like a key.
      String shown = visible("tr[data-path='shared.txt'] code.sha").getText().trim();
      browser.findElement(By.cssSelector("button[aria-label='Download shared.txt']")).click();
      Path saved = downloads.resolve("shared.txt");
      waiting()
          .until(
              d ->
                  Files.exists(saved)
                      && !Files.exists(downloads.resolve("shared.txt.crdownload"))
                      && size(saved) == "shared-result\n".length());
      assertThat(sha256(readBytes(saved))).isEqualTo(shown);

      browser.findElement(By.id("sign-out")).click(); // "Forget the share link"
      textIn("#sign-in-note", "The share link was removed from this tab.");
      assertThat(script("return sessionStorage.getItem('jobkit.share')")).isNull();
    } finally {
      browser.close();
      browser.switchTo().window(owner);
    }

    visible("tr[data-share-id='" + shareId + "'] button").click();
    textIn("#shares-state", "Revoked share " + shareId);
    visible("#shares-empty");
    service
        .server()
        .anonymous()
        .get("/api/v1/jobs/" + job.id(), "Authorization", "Bearer " + token)
        .expect(401);
  }

  @Test
  @Order(11)
  void delete_asks_with_the_pre_check_cancel_keeps_the_job_and_confirm_deletes_it() {
    Job job = api.submit("{\"shell\":\"echo bye\",\"display_name\":\"to-delete\"}");
    api.awaitStatus(job.id(), SUCCEEDED);
    signedIn();
    script("location.hash = arguments[0]", "#/jobs/" + job.id());
    textIn("#job-status", "SUCCEEDED");
    WebElement delete =
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("delete-button")));
    delete.click();
    WebElement dialog = visible("#confirm-dialog[open]");
    String prompt = dialog.findElement(By.id("confirm-text")).getText();
    String sdkPrompt =
        service
            .client(service.userKey())
            .guarded(Confirmers.denyAll())
            .precheckDelete(job.id(), true)
            .prompt();
    assertThat(withoutAge(prompt + " [yes/no]")).isEqualTo(withoutAge(sdkPrompt));
    assertThat(prompt).contains("ended SUCCEEDED.").endsWith("Delete it?");
    assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("confirm-cancel");
    dialog.findElement(By.id("confirm-cancel")).click();
    textIn("#delete-outcome-kind", "DECLINED");
    assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("delete-button");
    assertThat(api.job(job.id()).status()).isEqualTo(SUCCEEDED);

    browser.findElement(By.id("delete-button")).click();
    visible("#confirm-dialog[open]").findElement(By.id("confirm-ok")).click();
    textIn("#delete-outcome-kind", "APPLIED");
    textIn("#delete-outcome", "deleted job " + job.id());
    api.get("/api/v1/jobs/" + job.id()).expect(404);

    // A delete made elsewhere (the shell, another tab) writes no event: the table finds it gone.
    Job other = api.submit("{\"shell\":\"echo also\",\"display_name\":\"deleted-elsewhere\"}");
    api.awaitStatus(other.id(), SUCCEEDED);
    jobsPage();
    row(other.id());
    assertThat(browser.findElements(By.cssSelector("tr[data-job-id='" + job.id() + "']")))
        .isEmpty();
    script("window.jobkitNoReload = 'before the delete'");
    api.delete("/api/v1/jobs/" + other.id()).expect(200);
    waiting()
        .until(
            ExpectedConditions.invisibilityOfElementLocated(
                By.cssSelector("tr[data-job-id='" + other.id() + "']")));
    assertThat(script("return window.jobkitNoReload")).isEqualTo("before the delete");
  }

  @Test
  @Order(12)
  void flush_shows_a_dry_run_first_and_removes_what_it_listed_once_confirmed() {
    String name = "flushme-" + System.nanoTime();
    Job a = api.submit("{\"shell\":\"true\",\"display_name\":\"" + name + "-a\"}");
    Job b = api.submit("{\"shell\":\"true\",\"display_name\":\"" + name + "-b\"}");
    api.awaitStatus(a.id(), SUCCEEDED);
    api.awaitStatus(b.id(), SUCCEEDED);
    signedIn();
    script("location.hash = arguments[0]", "#/jobs?name=" + name);
    waiting().until(d -> ids(d).size() == 2);
    visible("#flush-panel summary").click();
    new Select(visible("#flush-scope")).selectByValue("all");
    visible("#flush-button").click();

    WebElement dialog = visible("#confirm-dialog[open]");
    assertThat(dialog.findElement(By.id("confirm-title")).getText()).isEqualTo("Flush 2 job(s)?");
    assertThat(dialog.findElements(By.cssSelector("#confirm-list li"))).hasSize(2);
    assertThat(dialog.findElement(By.id("confirm-note")).getText())
        .contains("The dry run matched 2 job(s)");
    String prompt = dialog.findElement(By.id("confirm-text")).getText();
    String sdkPrompt =
        service
            .client(service.userKey())
            .guarded(Confirmers.denyAll())
            .precheckFlushMatching(
                dev.jobkit.sdk.guard.FlushScope.ALL,
                dev.jobkit.sdk.JobQuery.builder().nameContains(name).build(),
                true)
            .prompt();
    assertThat(prompt + " [yes/no]").isEqualTo(sdkPrompt);
    assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("confirm-cancel");
    dialog.findElement(By.id("confirm-cancel")).click();
    textIn("#flush-outcome-kind", "DECLINED");
    assertThat(api.job(a.id()).status()).isEqualTo(SUCCEEDED);
    assertThat(ids(browser)).containsExactlyInAnyOrder(a.id(), b.id());

    browser.findElement(By.id("flush-button")).click();
    visible("#confirm-dialog[open]").findElement(By.id("confirm-ok")).click();
    textIn("#flush-outcome-kind", "APPLIED");
    textIn("#flush-outcome", "flushed 2 job(s)");
    api.get("/api/v1/jobs/" + a.id()).expect(404);
    api.get("/api/v1/jobs/" + b.id()).expect(404);
    waiting().until(d -> ids(d).isEmpty());
    visible("#jobs-empty");
  }

  @Test
  @Order(13)
  void the_table_filters_by_app_creation_day_and_a_status_alias() {
    service.admin().put("/api/v1/apps/console-app", "{\"command\": [\"true\"]}").expect(200);
    Job appJob = api.submit("{\"app\": \"console-app\"}");
    api.awaitStatus(appJob.id(), SUCCEEDED);
    jobsPage();
    WebElement app = browser.findElement(By.id("filter-app"));
    app.clear();
    app.sendKeys("console-app");
    browser.findElement(By.cssSelector("#filters button[type='submit']")).click();
    waiting().until(d -> d.getCurrentUrl().contains("app=console-app"));
    waiting().until(d -> ids(d).equals(List.of(appJob.id())));

    String today = (String) script("return new Date().toLocaleDateString('en-CA')");
    String tomorrow =
        (String)
            script(
                "const d = new Date(); d.setDate(d.getDate() + 1);"
                    + " return d.toLocaleDateString('en-CA')");
    script(
        "location.hash = arguments[0]",
        "#/jobs?app=console-app&created_from=" + today + "&created_until=" + today);
    waiting().until(d -> ids(d).equals(List.of(appJob.id())));
    assertThat(visible("#filter-created_from").getAttribute("value")).isEqualTo(today);
    assertThat(visible("#filter-created_until").getAttribute("value")).isEqualTo(today);
    script("location.hash = arguments[0]", "#/jobs?app=console-app&created_from=" + tomorrow);
    visible("#jobs-empty");
    assertThat(ids(browser)).isEmpty();

    script("location.hash = '#/jobs'");
    visible("#jobs");
    new Select(browser.findElement(By.id("filter-status"))).selectByValue("cancelled");
    browser.findElement(By.cssSelector("#filters button[type='submit']")).click();
    waiting().until(d -> d.getCurrentUrl().contains("status=cancelled"));
    waiting()
        .until(d -> ids(d).contains(stopped) && statuses(d).stream().allMatch("CANCELED"::equals));
  }

  @Test
  @Order(20)
  void the_pages_broke_no_rule_of_their_content_security_policy_which_the_browser_enforces() {
    jobsPage();
    assertThat(script("return document.querySelectorAll('[style], script:not([src])').length"))
        .isEqualTo(0L);
    script("console.warn('jobkit-log-probe')");
    List<String> messages = new java.util.ArrayList<>();
    waiting().until(d -> browserMessages(messages).stream().anyMatch(m -> m.contains("probe")));
    assertThat(messages).noneMatch(ConsoleIT::refusedByCsp);

    // An inline style, as a page that broke the rule would set it: the browser refuses it.
    script("document.getElementById('main').setAttribute('style', 'color: red')");
    waiting().until(d -> browserMessages(messages).stream().anyMatch(ConsoleIT::refusedByCsp));
  }

  private static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] readBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1; // not there (yet), or renamed under us
    }
  }

  private static String shellQuote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }

  private static List<String> browserMessages(List<String> seen) {
    seen.addAll(chromium.newMessages());
    return seen;
  }

  private static boolean refusedByCsp(String message) {
    return message.contains("Content Security Policy");
  }

  /** The job ids of the table's rows, top to bottom, read in one go (rows are replaced live). */
  @SuppressWarnings("unchecked")
  private static List<String> ids(WebDriver d) {
    return (List<String>)
        script("return [...document.querySelectorAll('#jobs-body tr')].map(r => r.dataset.jobId)");
  }

  @SuppressWarnings("unchecked")
  private static List<String> statuses(WebDriver d) {
    return (List<String>)
        script("return [...document.querySelectorAll('#jobs-body tr')].map(r => r.dataset.status)");
  }
}
