package dev.jobkit.shell.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.internal.Json;
import dev.jobkit.sdk.jobs.JobPage;
import dev.jobkit.sdk.lifecycle.JobStatus;
import org.junit.jupiter.api.Test;

/** The prefetch decodes a real page: a sample the SDK rejected would prepare nothing, silently. */
class PrefetchTest {

  @Test
  void the_sample_page_is_one_the_sdk_decodes_in_full() {
    JobPage page = Json.MAPPER.readValue(Prefetch.SAMPLE_PAGE, JobPage.class);
    assertThat(page.items()).hasSize(1);
    assertThat(page.items().get(0).status()).isEqualTo(JobStatus.QUEUED);
    assertThat(page.items().get(0).createdAt()).isNotNull();
    Prefetch.once(); // and never throws
  }
}
