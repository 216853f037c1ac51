package dev.jobkit.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.jobs.JobReader;
import dev.jobkit.server.jobs.JobReader.AttemptPart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import tools.jackson.databind.json.JsonMapper;

/**
 * The follower of one attempt's log, with the moment between its question "has the attempt ended?"
 * and its read of the file made to happen: the service's ITs meet it only by chance.
 */
class LogStreamsTest {

  private static final String JOB = "job-1";

  @TempDir Path dir;

  @Test
  void an_attempt_s_stream_stops_at_its_end_when_the_next_attempt_writes_before_the_read()
      throws Exception {
    Path log = dir.resolve("pod-0.log");
    String second = "[jobkit] attempt 2 of 3 started\nsecond\n";
    Files.writeString(log, second);
    long secondEnds = second.getBytes(StandardCharsets.UTF_8).length;

    JobReader jobs = mock(JobReader.class);
    // Asked first while attempt 2 runs; by the time the answer is used, attempt 2 has ended and
    // attempt 3 has written its first line. Asked again, the end of attempt 2 is on record.
    when(jobs.attemptPart(JOB, 0, 2))
        .thenAnswer(
            asked -> {
              Files.writeString(
                  log, "[jobkit] attempt 3 of 3 started\n", StandardOpenOption.APPEND);
              return Optional.of(new AttemptPart(2, 0, -1, null));
            })
        .thenReturn(Optional.of(new AttemptPart(2, 0, secondEnds, JobStatus.RUN_ERROR)));
    JobFiles files = mock(JobFiles.class);
    when(files.log(JOB, 0)).thenReturn(log);
    SseChannel channel = mock(SseChannel.class);
    when(channel.isOpen()).thenReturn(true);
    when(channel.room()).thenReturn(1L << 20);
    OpenStreams open = mock(OpenStreams.class);
    when(open.buffer()).thenReturn(1L << 20);
    when(open.open(any(), any(), any(), anyString())).thenReturn(channel);

    LogStreams streams = new LogStreams(jobs, files, open, JsonMapper.builder().build());
    try {
      streams.follow(null, JOB, 0, 0, 2, null, null);

      ArgumentCaptor<byte[]> end = ArgumentCaptor.forClass(byte[].class);
      verify(channel, timeout(10_000)).finish(eq("end"), end.capture());
      ArgumentCaptor<byte[]> sent = ArgumentCaptor.forClass(byte[].class);
      verify(channel, atLeastOnce()).send(anyString(), eq("log"), sent.capture());
      JsonMapper json = JsonMapper.builder().build();
      String text =
          sent.getAllValues().stream()
              .map(event -> json.readTree(event).get("text").asString())
              .reduce("", String::concat);
      assertThat(text).isEqualTo(second);
      assertThat(json.readTree(end.getValue()).get("offset").asLong()).isEqualTo(secondEnds);
      assertThat(json.readTree(end.getValue()).get("status").asString()).isEqualTo("RUN_ERROR");
    } finally {
      streams.close();
    }
  }
}
