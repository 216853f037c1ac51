package dev.jobkit.shell.command;

import dev.jobkit.sdk.ValidationException;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * {@code job submit --file pipeline.json}: the body of {@code POST /api/v1/jobs/batch} ({@code
 * {"jobs": [...]}}, each job as the API's submission, with {@code ref}s that later jobs name in
 * {@code parents}), submitted all or none.
 */
final class SubmitFiles {

  /** The options that may go with --file; the jobs say everything else. */
  private static final Set<String> ALONG = Set.of("file", "json");

  private SubmitFiles() {}

  static int submit(Invocation in) {
    for (String other : in.optionNames()) {
      if (!ALONG.contains(other)) {
        throw new UsageException(
            "--file takes the jobs whole from the file: give --" + other + " in the file instead");
      }
    }
    if (!in.arguments().isEmpty()) {
      throw new UsageException("--file takes the jobs from the file: give no command beside it");
    }
    String file = in.string("file").orElseThrow();
    String shown = file.equals("-") ? "stdin" : file;
    List<JobSpec> specs = specs(AppCommands.read(file), shown);
    List<Job> jobs;
    try {
      jobs = in.client().jobs().submitBatch(specs);
    } catch (ValidationException v) {
      throw AppCommands.fieldErrors(v, field -> shown + ": " + field);
    }
    if (in.flag("json")) {
      in.render().json(jobs);
    } else {
      jobs.forEach(in.render()::submitted);
    }
    return Exits.OK;
  }

  /** The jobs of a batch file; a usage error says what is wrong with it. */
  static List<JobSpec> specs(String text, String shown) {
    try {
      JsonNode tree = AppCommands.READER.readTree(text);
      JsonNode jobs = tree == null ? null : tree.get("jobs");
      if (jobs == null || !jobs.isArray() || jobs.isEmpty() || tree.size() != 1) {
        throw new UsageException(
            shown + ": a batch file is {\"jobs\": [job, ...]} with at least one job");
      }
      List<JobSpec> specs = new ArrayList<>();
      for (int i = 0; i < jobs.size(); i++) {
        try {
          specs.add(AppCommands.READER.treeToValue(jobs.get(i), JobSpec.class));
        } catch (UnrecognizedPropertyException unknown) {
          throw new UsageException(
              shown + ": jobs[" + i + "]: unknown field '" + unknown.getPropertyName() + "'");
        }
      }
      return specs;
    } catch (JacksonException bad) {
      throw new UsageException(shown + ": not a batch of jobs: " + AppCommands.firstLine(bad));
    }
  }
}
