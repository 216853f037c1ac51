package dev.jobkit.server.support;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.util.FileSystemUtils;

/**
 * A real browser for the console's tests: Debian's Chromium, headless, driven by Selenium through
 * Debian's chromedriver (nothing is downloaded), with a profile and a download directory of its
 * own, and the page's console messages kept (so a test can see that the CSP refused nothing).
 *
 * <p>Without {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} (or the paths in {@code
 * -Djobkit.console.chromium} and {@code -Djobkit.console.chromedriver}) {@link #start()} skips the
 * calling test class, except in CI ({@code CI=true}), where it fails it: {@code .ci/run} installs
 * them.
 *
 * <pre>{@code
 * try (Chromium chromium = Chromium.start()) {
 *   chromium.driver().get(service.server().baseUrl() + "/");
 * }
 * }</pre>
 */
public final class Chromium implements AutoCloseable {

  /** Debian's Chromium; {@code -Djobkit.console.chromium} points elsewhere. */
  private static final Path CHROMIUM =
      Path.of(System.getProperty("jobkit.console.chromium", "/usr/bin/chromium"));

  /** Debian's chromedriver; {@code -Djobkit.console.chromedriver} points elsewhere. */
  private static final Path CHROMEDRIVER =
      Path.of(System.getProperty("jobkit.console.chromedriver", "/usr/bin/chromedriver"));

  /** How long a wait for the page waits: long, as it returns as soon as the page shows it. */
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final WebDriver driver;
  private final Path profile;
  private final Path downloads;

  private Chromium(WebDriver driver, Path profile, Path downloads) {
    this.driver = driver;
    this.profile = profile;
    this.downloads = downloads;
  }

  /** Starts a headless Chromium in a 1280×900 window; skips or fails the test without one. */
  public static Chromium start() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present) {
      if ("true".equals(System.getenv("CI"))) {
        fail(
            "CI=true but "
                + CHROMIUM
                + " or "
                + CHROMEDRIVER
                + " is missing: install Debian's chromium and chromium-driver (.ci/run does"
                + " when they are missing)");
      }
      assumeTrue(
          false,
          "the browser test needs Debian's chromium and chromium-driver (apt-get install"
              + " chromium chromium-driver); skipped without them outside CI");
    }
    try {
      Path profile = Files.createTempDirectory("jobkit-console-chromium-");
      Path downloads = Files.createTempDirectory("jobkit-console-downloads-");
      ChromeOptions options = new ChromeOptions();
      options.setExperimentalOption(
          "prefs",
          Map.of(
              "download.default_directory", downloads.toString(),
              "download.prompt_for_download", false,
              "download.directory_upgrade", true));
      options.setBinary(CHROMIUM.toFile());
      options.addArguments(
          "--headless=new",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-dev-shm-usage",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--window-size=1280,900",
          "--user-data-dir=" + profile);
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, Level.ALL);
      options.setCapability("goog:loggingPrefs", logs);
      // The driver given by path: Selenium Manager has nothing to find or download.
      System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
      ChromeDriverService driverService =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
              .usingAnyFreePort()
              .build();
      return new Chromium(new ChromeDriver(driverService, options), profile, downloads);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The browser. */
  public WebDriver driver() {
    return driver;
  }

  /** Where the browser saves downloads, without asking. */
  public Path downloads() {
    return downloads;
  }

  /** A wait for the page, of up to a minute. */
  public WebDriverWait waiting() {
    return new WebDriverWait(driver, WAIT);
  }

  /** The element {@code css} selects, once it is visible. */
  public WebElement visible(String css) {
    return waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  /** Waits until the element {@code css} selects holds {@code text}. */
  public void textIn(String css, String text) {
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
  }

  /** Runs {@code js} in the page, with {@code args} as {@code arguments}; what it returns. */
  public Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /** The page's console messages since the last call (reading them takes them from the browser). */
  public List<String> newMessages() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .map(LogEntry::getMessage)
        .toList();
  }

  /**
   * Saves what the window shows as docs/images/{@code name} when {@code
   * -Djobkit.console.screenshots=true}; else nothing.
   */
  public void screenshot(String name) {
    if (!Boolean.getBoolean("jobkit.console.screenshots")) {
      return;
    }
    Path images = Path.of(System.getProperty("basedir", ".")).resolve("../docs/images");
    try {
      Files.createDirectories(images);
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, images.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      FileSystemUtils.deleteRecursively(profile.toFile());
      FileSystemUtils.deleteRecursively(downloads.toFile());
    }
  }
}
