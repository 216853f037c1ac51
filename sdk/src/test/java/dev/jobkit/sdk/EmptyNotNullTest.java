package dev.jobkit.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.internal.Json;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Lists and maps of the SDK's records are never null: what is not there is an empty, unmodifiable
 * list or map, whatever the service sent or the caller passed.
 */
class EmptyNotNullTest {

  /** A job runs a command or a shell script: the one it does not run is null, on purpose. */
  static final Set<String> NULLABLE =
      Set.of("Job.command", "JobSpec.command", "ClaimedJob.command");

  @Test
  void every_list_and_map_of_every_public_record_made_of_nulls_is_empty_and_unmodifiable()
      throws Exception {
    List<String> checked = new ArrayList<>();
    for (Class<?> type : PublicApiTest.apiTypes()) {
      if (!type.isRecord()
          || java.util.Arrays.stream(type.getRecordComponents())
              .noneMatch(c -> c.getType() == List.class || c.getType() == Map.class)) {
        continue;
      }
      RecordComponent[] components = type.getRecordComponents();
      Class<?>[] types = new Class<?>[components.length];
      Object[] nulls = new Object[components.length];
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        nulls[i] = defaultOf(types[i]);
      }
      Constructor<?> canonical = type.getDeclaredConstructor(types);
      Object made = canonical.newInstance(nulls);
      for (RecordComponent c : components) {
        String name = type.getSimpleName() + "." + c.getName();
        if (!List.class.equals(c.getType()) && !Map.class.equals(c.getType())) {
          continue;
        }
        Object value = c.getAccessor().invoke(made);
        if (NULLABLE.contains(name)) {
          assertThat(value).as(name).isNull();
          continue;
        }
        checked.add(name);
        assertThat(value).as(name).isNotNull();
        if (value instanceof List<?> list) {
          assertThat(list).as(name).isEmpty();
          assertThatThrownBy(() -> list.add(null))
              .isInstanceOf(UnsupportedOperationException.class);
        } else {
          Map<?, ?> map = (Map<?, ?>) value;
          assertThat(map).as(name).isEmpty();
          assertThatThrownBy(() -> map.put(null, null))
              .isInstanceOf(UnsupportedOperationException.class);
        }
      }
    }
    assertThat(checked)
        .contains(
            "Job.pods",
            "Job.attempts",
            "Job.metrics",
            "Job.tags",
            "JobPage.items",
            "FlushResult.jobIds",
            "FlushOperation.skipped",
            "Precheck.preview",
            "JobSpec.tags",
            "JobQuery.statuses",
            "Problem.errors");
  }

  @Test
  void a_job_as_a_list_sent_it_by_an_older_service_has_empty_pods_and_attempts() {
    Job listed =
        Json.MAPPER.readValue(
            "{\"id\":\"job_1\",\"status\":\"RUNNING\",\"priority\":5,\"pod_count\":1,"
                + "\"max_attempts\":1,\"attempt\":1,\"pods\":null,\"attempts\":null,"
                + "\"metrics\":{\"loss\":0.5,\"acc\":0.9,\"epoch\":3}}",
            Job.class);

    assertThat(listed.pods()).isEmpty();
    assertThat(listed.attempts()).isEmpty();
    assertThat(listed.tags()).isEmpty();
    assertThat(listed.env()).isEmpty();
    assertThat(listed.parents()).isEmpty();
    assertThat(listed.metrics().keySet()).containsExactly("loss", "acc", "epoch");
  }

  @Test
  void a_record_keeps_its_own_copy_in_the_order_given() {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("z", "1");
    tags.put("a", "2");
    List<String> parents = new ArrayList<>(List.of("job_2", "job_1"));
    JobSpec spec =
        new JobSpec(
            null, null, null, "true", null, null, null, null, null, null, tags, parents, null, null,
            null, null);

    tags.put("m", "3");
    parents.clear();

    assertThat(spec.tags().keySet()).containsExactly("z", "a");
    assertThat(spec.parents()).containsExactly("job_2", "job_1");
    assertThat(spec.env()).isEmpty();
    assertThat(spec.parameters()).isEmpty();
    assertThat(spec.command()).isNull();
  }

  @Test
  void an_empty_spec_sends_no_empty_lists_as_before() {
    String json = Json.MAPPER.writeValueAsString(JobSpec.builder().shell("true").build());

    assertThat(json).isEqualTo("{\"shell\":\"true\"}");
  }

  private static Object defaultOf(Class<?> type) {
    if (!type.isPrimitive()) {
      return null;
    }
    if (type == boolean.class) {
      return false;
    }
    if (type == double.class) {
      return 0.0;
    }
    if (type == long.class) {
      return 0L;
    }
    return 0;
  }
}
