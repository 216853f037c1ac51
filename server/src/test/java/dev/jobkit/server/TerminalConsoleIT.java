package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.Chromium;
import dev.jobkit.server.support.Gates;
import dev.jobkit.server.support.JobkitService;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web terminal in a real browser (headless Chromium): from a running job's page, the Terminal
 * button opens the terminal in a new tab, where typed commands answer on the xterm.js screen (its
 * DOM renderer's rows); the page keeps its Content-Security-Policy; its URL works once.
 */
class TerminalConsoleIT {

  @RegisterExtension static final JobkitService service = JobkitService.own();

  private static Chromium chromium;
  private static WebDriver browser;

  private final Api api = service.user();
  private final Gates gates = service.gates();

  @BeforeAll
  static void openBrowser() {
    chromium = Chromium.start();
    browser = chromium.driver();
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

  private static Object script(String js, Object... args) {
    return chromium.script(js, args);
  }

  private static void textIn(String css, String text) {
    chromium.textIn(css, text);
  }

  /** The lines of the terminal's screen as xterm.js's DOM renderer shows them. */
  @SuppressWarnings("unchecked")
  private static List<String> screen() {
    return (List<String>)
        script(
            "return [...document.querySelectorAll('.xterm-rows > div')]"
                + ".map(r => r.textContent.replace(/\\u00a0/g, ' ').trimEnd())");
  }

  private static void awaitLine(String line) {
    waiting().until(d -> screen().contains(line));
  }

  @Test
  void the_terminal_button_opens_a_shell_in_the_pod_whose_url_works_once() throws IOException {
    Job job =
        api.submit(
            "{\"shell\":"
                + Api.JSON.writeValueAsString(gates.script("console-terminal"))
                + ",\"display_name\":\"terminal-in-the-browser\"}");
    api.awaitStatus(job.id(), RUNNING);

    browser.get(service.server().baseUrl() + "/");
    WebElement key =
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
    key.sendKeys(service.userKey());
    browser.findElement(By.id("sign-in-button")).click();
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("who")));
    script("location.hash = arguments[0]", "#/jobs/" + job.id());
    textIn("#job-status", "RUNNING");
    // The URL the button opens, kept to load it a second time (the page drops it from the bar).
    script(
        "const open = window.open; window.open = (url, name, features) =>"
            + " { window.jobkitOpened = url; return open.call(window, url, name, features); }");
    String console = browser.getWindowHandle();
    // The table is drawn anew on live updates: find and click in one go, again if it was.
    waiting()
        .ignoring(StaleElementReferenceException.class)
        .until(
            d -> {
              WebElement button = d.findElement(By.cssSelector("#pods-body button[data-pod='0']"));
              assertThat(button.getText()).isEqualTo("Terminal");
              button.click();
              return true;
            });
    waiting().until(d -> d.getWindowHandles().size() == 2);
    String url = (String) script("return window.jobkitOpened");
    assertThat(url).startsWith(service.server().baseUrl() + "/terminal#");
    String tab =
        browser.getWindowHandles().stream().filter(h -> !h.equals(console)).findFirst().get();
    browser.switchTo().window(tab);

    textIn("#terminal-state", "Connected to pod 0 of job " + job.id());
    assertThat(browser.getCurrentUrl()).doesNotContain("#");
    waiting()
        .until(
            d -> "xterm-helper-textarea".equals(script("return document.activeElement.className")));
    assertThat(browser.findElement(By.cssSelector("#terminal")).getAttribute("aria-label"))
        .isEqualTo("Terminal");

    WebElement input = browser.switchTo().activeElement();
    input.sendKeys("pwd" + Keys.ENTER);
    Path workDir = service.server().jobDir(job.id()).resolve("pods").resolve("0").toRealPath();
    awaitLine(workDir.toString());
    input.sendKeys("echo $JOBKIT_JOB_ID" + Keys.ENTER);
    awaitLine(job.id());
    chromium.screenshot("console-terminal.png");

    // xterm.js's rules applied without a <style> element (terminal.js), and nothing refused.
    // (xterm.js sizes its elements through the CSSOM, element.style, which the CSP allows.)
    assertThat(script("return document.querySelectorAll('style').length")).isEqualTo(0L);
    assertThat(
            script("return getComputedStyle(document.querySelector('.xterm-rows span')).display"))
        .isEqualTo("inline-block");
    assertThat(chromium.newMessages()).noneMatch(m -> m.contains("Content Security Policy"));

    // The same URL again: the ticket is used up.
    browser.get("about:blank");
    browser.get(url);
    textIn("#terminal-state", "used already or has expired");
    assertThat(api.job(job.id()).status()).isEqualTo(RUNNING);

    // A share link opens the job read-only: no terminal, however long it runs.
    String token =
        api.post("/api/v1/jobs/" + job.id() + "/shares", "{}")
            .expect(201)
            .json()
            .get("token")
            .asString();
    browser.get(service.server().baseUrl() + "/#/share/" + job.id() + "/" + token);
    textIn("#read-only", "Read-only");
    textIn("#job-status", "RUNNING");
    textIn("#pods-body", "RUNNING");
    assertThat(browser.findElements(By.cssSelector("#pods-body button"))).isEmpty();

    browser.close();
    browser.switchTo().window(console);
    gates.open("console-terminal");
    api.awaitEnd(job.id());
  }
}
