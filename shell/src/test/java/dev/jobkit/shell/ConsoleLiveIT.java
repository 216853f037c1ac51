package dev.jobkit.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.server.support.Chromium;
import dev.jobkit.shell.support.Jobkit;
import dev.jobkit.shell.support.ShellFixture;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console beside the shell, as a person uses both: the jobs page open in Debian's headless
 * Chromium (see the server's {@code ConsoleIT} for the console itself), a job submitted with the
 * packaged shell, and its row appearing in the table live, without a reload.
 */
class ConsoleLiveIT {

  private static final Duration WAIT = ShellFixture.SCREEN;

  @RegisterExtension static final ShellFixture shell = ShellFixture.create("NO_COLOR", "1");

  private static Chromium chromium;

  @BeforeAll
  static void openBrowser() {
    chromium = Chromium.start();
  }

  @AfterAll
  static void closeBrowser() {
    if (chromium != null) {
      chromium.close();
    }
  }

  @Test
  void a_job_submitted_from_the_shell_appears_in_the_open_jobs_page_without_a_reload() {
    WebDriver browser = chromium.driver();
    WebDriverWait waiting = new WebDriverWait(browser, WAIT);
    browser.get(shell.service().server().baseUrl().replaceAll("/+$", "") + "/#/jobs");
    WebElement key = waiting.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
    key.sendKeys(shell.service().userKey());
    browser.findElement(By.id("sign-in-button")).click();
    waiting.until(ExpectedConditions.visibilityOfElementLocated(By.id("jobs")));
    waiting.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-state"), "live"));
    // A mark on this page's window: a reload would lose it.
    ((JavascriptExecutor) browser).executeScript("window.jobkitTestMark = 'same page'");

    Jobkit.Result submitted =
        shell.run("job", "submit", "--name", "from-the-shell", "--json", "--", "sleep", "300");

    assertThat(submitted.exitCode()).as(submitted.err()).isZero();
    String id = submitted.out().replaceAll("(?s).*?\"id\"\\s*:\\s*\"(job_[a-z0-9]+)\".*", "$1");
    assertThat(id).startsWith("job_");
    WebElement row =
        waiting.until(
            ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("tr[data-job-id='" + id + "']")));
    assertThat(row.getText()).contains("from-the-shell");
    waiting.until(ExpectedConditions.textToBePresentInElement(row, "RUNNING"));
    assertThat(((JavascriptExecutor) browser).executeScript("return window.jobkitTestMark"))
        .isEqualTo("same page");

    Jobkit.Result stopped = shell.run("job", "stop", id, "--yes");
    assertThat(stopped.exitCode()).as(stopped.err()).isZero();
    waiting.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("tr[data-job-id='" + id + "']"), "CANCELED"));
  }
}
