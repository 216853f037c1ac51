package dev.jobkit.shell.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrowserTest {

  private static final String URL = "http://127.0.0.1:8080/#/jobs/job_1";

  @Test
  void each_command_of_browser_in_order_with_the_address_last_or_where_percent_s_is() {
    Browser browser =
        new Browser(Map.of("BROWSER", "firefox --new-tab: :w3m %s -T text/html", "PATH", ""));

    assertThat(browser.candidates(URL))
        .containsExactly(
            List.of("firefox", "--new-tab", URL), List.of("w3m", URL, "-T", "text/html"));
  }

  @Test
  void without_browser_and_without_an_opener_on_the_path_there_is_nothing_to_try() {
    assertThat(new Browser(Map.of("PATH", "/nonexistent")).candidates(URL)).isEmpty();
    assertThat(new Browser(Map.of()).open(URL)).isEmpty();
  }
}
