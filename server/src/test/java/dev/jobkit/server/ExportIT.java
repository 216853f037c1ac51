package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.Problems;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.core.type.TypeReference;

/**
 * {@code GET /api/v1/jobs/export}: the list's jobs with the list's filters, as CSV that a CSV
 * parser reads back to the same jobs (formula-like cells led by {@code '}) or as a JSON array equal
 * to the list, over several of the store's pages; a wrong format is a 400 naming it.
 */
class ExportIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static Api user;
  static List<Job> ended = new ArrayList<>();

  /** Display names a spreadsheet would run as formulas, and ones a CSV writer must quote. */
  static final List<String> NAMES =
      List.of(
          "=1+1",
          "+SUM(A1)",
          "-2+3",
          "@cmd",
          "\tTabbed",
          "plain, with a comma",
          "say \"hi\"",
          "two\nlines",
          "naïve ✓");

  @BeforeAll
  static void jobs() {
    user = service.user();
    for (int i = 0; i < NAMES.size(); i++) {
      ended.add(
          user.submit(
              Api.JSON.writeValueAsString(
                  Map.of(
                      "command",
                      List.of("sh", "-c", i % 3 == 0 ? "exit 3" : "true"),
                      "display_name",
                      NAMES.get(i),
                      "tags",
                      Map.of("export", i % 2 == 0 ? "even" : "odd")))));
    }
    ended.replaceAll(job -> user.awaitEnd(job.id()));
  }

  @Test
  void the_csv_read_back_by_a_csv_parser_is_the_list() throws IOException {
    Api.Response answer = user.get("/api/v1/jobs/export?owner=me").expect(200);
    assertThat(answer.contentType()).startsWith("text/csv");
    assertThat(answer.headers().firstValue("Content-Disposition").orElse(""))
        .matches("attachment; filename=\"jobs-\\d{8}T\\d{6}Z\\.csv\"");
    List<CSVRecord> records = parse(answer.body());
    List<Job> listed = user.listAll("owner=me");

    assertThat(records).extracting(r -> r.get("id")).containsExactlyElementsOf(ids(listed));
    for (int i = 0; i < listed.size(); i++) {
      Job job = listed.get(i);
      CSVRecord record = records.get(i);
      assertThat(record.get("owner")).isEqualTo(job.owner());
      assertThat(record.get("status")).isEqualTo(job.status().name());
      assertThat(record.get("pod_count")).isEqualTo(Integer.toString(job.podCount()));
      assertThat(record.get("created_at")).isEqualTo(job.createdAt().toString());
      assertThat(record.get("finished_at")).isEqualTo(job.finishedAt().toString());
      assertThat(record.get("exit_code"))
          .isEqualTo(job.result() == null ? "" : String.valueOf(job.result().exitCode()));
      assertThat(record.get("tags")).isEqualTo("export=" + job.tags().get("export"));
      assertThat(record.get("command")).isEqualTo(String.join(" ", job.command()));
      assertThat(record.get("display_name")).isEqualTo(spreadsheetSafe(job.displayName()));
    }
    assertThat(records.get(0).getParser().getHeaderNames())
        .startsWith("id", "display_name", "owner", "status");
  }

  @Test
  void cells_a_spreadsheet_would_run_as_formulas_start_with_a_quote() throws IOException {
    Map<String, String> byName = new TreeMap<>();
    for (CSVRecord record : parse(user.get("/api/v1/jobs/export?owner=me").expect(200).body())) {
      byName.put(record.get("id"), record.get("display_name"));
    }
    Map<String, String> expected = new TreeMap<>();
    ended.forEach(job -> expected.put(job.id(), job.displayName()));
    assertThat(byName)
        .containsEntry(idOf("=1+1"), "'=1+1")
        .containsEntry(idOf("+SUM(A1)"), "'+SUM(A1)")
        .containsEntry(idOf("-2+3"), "'-2+3")
        .containsEntry(idOf("@cmd"), "'@cmd")
        .containsEntry(idOf("\tTabbed"), "'\tTabbed")
        .containsEntry(idOf("plain, with a comma"), "plain, with a comma")
        .containsEntry(idOf("say \"hi\""), "say \"hi\"")
        .containsEntry(idOf("two\nlines"), "two\nlines")
        .containsEntry(idOf("naïve ✓"), "naïve ✓");
    // RFC 4180: the writer quotes what needs it and ends every record with CRLF.
    String body = user.get("/api/v1/jobs/export?owner=me").body();
    assertThat(body).contains("\"plain, with a comma\"", "\"say \"\"hi\"\"\"", "\"two\nlines\"");
    assertThat(body).endsWith("\r\n");
  }

  @Test
  void the_filters_of_the_list_select_the_same_jobs() throws IOException {
    for (String query :
        List.of(
            "owner=me&status=failed",
            "owner=me&status=completed",
            "owner=me&tag=export=even",
            "owner=me&name=%2B",
            "owner=me&tag=export=odd&status=SUCCEEDED",
            "owner=me&created_after=" + ended.get(2).createdAt(),
            "owner=me&created_before=" + ended.get(2).createdAt(),
            "owner=me&app=nothing-has-this")) {
      List<CSVRecord> records = parse(user.get("/api/v1/jobs/export?" + query).expect(200).body());
      assertThat(records)
          .as(query)
          .extracting(r -> r.get("id"))
          .containsExactlyElementsOf(ids(user.listAll(query)));
    }
  }

  @Test
  void the_json_is_one_array_of_the_jobs_of_the_list() {
    Api.Response answer =
        user.get("/api/v1/jobs/export?format=json&owner=me&tag=export=odd").expect(200);
    assertThat(answer.contentType()).startsWith("application/json");
    assertThat(answer.headers().firstValue("Content-Disposition").orElse("")).endsWith(".json\"");
    List<Job> exported = Api.JSON.readValue(answer.body(), new TypeReference<List<Job>>() {});
    assertThat(exported).isEqualTo(user.listAll("owner=me&tag=export=odd")).hasSize(4);
    assertThat(user.get("/api/v1/jobs/export?format=JSON&owner=me&name=nothing").body())
        .isEqualTo("[]");
  }

  @Test
  void another_users_private_jobs_are_not_exported_and_public_ones_are() throws IOException {
    Api other = service.newUser("export-other", "parallel");
    Job hidden = other.submit("{\"command\":[\"true\"],\"accessibility\":\"PRIVATE\"}");
    Job shown = other.submit("{\"command\":[\"true\"],\"accessibility\":\"PUBLIC\"}");
    other.awaitEnd(hidden.id());
    other.awaitEnd(shown.id());

    List<String> all =
        parse(user.get("/api/v1/jobs/export").expect(200).body()).stream()
            .map(r -> r.get("id"))
            .toList();
    assertThat(all).contains(shown.id()).doesNotContain(hidden.id());
    assertThat(all).containsAll(ids(ended));
    assertThat(parse(user.get("/api/v1/jobs/export?owner=" + other.name()).body()))
        .extracting(r -> r.get("id"))
        .containsExactly(shown.id());
    assertThat(parse(service.admin().get("/api/v1/jobs/export?owner=" + other.name()).body()))
        .extracting(r -> r.get("id"))
        .containsExactly(shown.id(), hidden.id());
  }

  @Test
  void thousands_of_jobs_come_out_over_several_pages_in_the_lists_order() throws IOException {
    Api many = service.newUser("export-many", "parallel");
    Job parent = many.submitShell(service.gates().script("export-parent"));
    int count = 1_200; // more than two of the export's pages of 500
    for (int batch = 0; batch < 2; batch++) {
      List<Map<String, Object>> jobs = new ArrayList<>();
      for (int i = 0; i < count / 2; i++) {
        jobs.add(
            Map.of(
                "command",
                List.of("true"),
                "display_name",
                "child " + batch + "-" + i,
                "parents",
                List.of(parent.id())));
      }
      many.post("/api/v1/jobs/batch", Api.JSON.writeValueAsString(Map.of("jobs", jobs)))
          .expect(201);
    }
    List<String> listed = ids(many.listAll("owner=me&limit=1000"));
    assertThat(listed).hasSize(count + 1);

    List<CSVRecord> csv = parse(many.get("/api/v1/jobs/export?owner=me").expect(200).body());
    assertThat(csv).extracting(r -> r.get("id")).containsExactlyElementsOf(listed);
    assertThat(csv.get(0).get("status")).isEqualTo(JobStatus.AWAITING_PARENTS.name());
    assertThat(csv.get(0).get("parents")).isEqualTo(parent.id());
    List<Job> json =
        Api.JSON.readValue(
            many.get("/api/v1/jobs/export?format=json&owner=me").expect(200).body(),
            new TypeReference<List<Job>>() {});
    assertThat(ids(json)).containsExactlyElementsOf(listed);

    many.stopAndAwaitCanceled(parent.id()); // its children fail with it, none runs
  }

  @Test
  void a_wrong_format_or_filter_is_a_400_naming_it_and_the_path_is_no_job_id() {
    for (String[] wrong :
        new String[][] {
          {"format=xlsx", "format"},
          {"status=sleeping", "status"},
          {"created_after=yesterday", "created_after"},
          {"tag=novalue", "tag"}
        }) {
      Problems.assertRefused(
          user.get("/api/v1/jobs/export?" + wrong[0]), 400, "validation_failed", wrong[1]);
    }
    assertThat(service.server().anonymous().get("/api/v1/jobs/export").status()).isEqualTo(401);
  }

  private static String idOf(String name) {
    return ended.stream().filter(j -> j.displayName().equals(name)).findFirst().orElseThrow().id();
  }

  private static String spreadsheetSafe(String cell) {
    return cell.isEmpty() || "=+-@\t\r".indexOf(cell.charAt(0)) < 0 ? cell : "'" + cell;
  }

  private static List<String> ids(List<Job> jobs) {
    return jobs.stream().map(Job::id).collect(Collectors.toList());
  }

  static List<CSVRecord> parse(String csv) throws IOException {
    try (CSVParser parser =
        CSVFormat.RFC4180
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .get()
            .parse(new StringReader(csv))) {
      return parser.getRecords();
    }
  }
}
