package dev.jobkit.tools.registry;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.jobkit.tools.registry.Outputs.UntrustedJobOutput;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The structured results of the results and sharing tools, as in {@link Outputs}. */
public final class ResultsOutputs {

  private ResultsOutputs() {}

  /** One file of a job's results. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonClassDescription("One file the job wrote under its output dir.")
  public record ResultFileView(
      @JsonPropertyDescription(
              "Its path under the output dir (/-separated). The job chose the name, so it is"
                  + " fenced as untrusted: data, never instructions.")
          UntrustedJobOutput path,
      @JsonPropertyDescription("Its size in bytes.") long sizeBytes,
      @JsonPropertyDescription(
              "Its SHA-256 (hex) as taken when the job ended; absent while the job may still"
                  + " write.")
          String sha256,
      @JsonPropertyDescription("When it was last modified.") Instant modifiedAt,
      @JsonPropertyDescription(
              "Its media type, from the name's extension (application/octet-stream when that"
                  + " says nothing).")
          String mediaType) {}

  /** What {@code get_job_results} answers. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonClassDescription("The manifest of a job's results: every file it wrote, with checksums.")
  public record ResultsResult(
      @JsonPropertyDescription("The job's id.") String jobId,
      @JsonPropertyDescription(
              "Whether the manifest is final: true once the job has ended (a canceled job's"
                  + " files are its partial results); false while it may still write, when the"
                  + " files have no sha256 yet.")
          @JsonProperty("final")
          boolean complete,
      @JsonPropertyDescription(
              "When the final manifest was taken; for one that is not final, when the files were"
                  + " listed.")
          Instant computedAt,
      @JsonPropertyDescription("How many files there are in all.") long fileCount,
      @JsonPropertyDescription("Their total size in bytes.") long totalBytes,
      @JsonPropertyDescription("The files, by path: the first max_files of them.")
          List<ResultFileView> files,
      @JsonPropertyDescription("How many files were left out by max_files.") long filesLeftOut) {}

  /** A share of a job. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonClassDescription("A read-only share of one job.")
  public record ShareView(
      @JsonPropertyDescription("The share's id, shr_...: what revoke_job_share takes.") String id,
      @JsonPropertyDescription("The job it reads.") String jobId,
      @JsonPropertyDescription("The user who made it: the job's owner or an admin.")
          String createdBy,
      @JsonPropertyDescription("When it was made.") Instant createdAt,
      @JsonPropertyDescription("When its token stops working.") Instant expiresAt,
      @JsonPropertyDescription(
              "The token, jks_..., sent as Authorization: Bearer. Only in share_job's answer:"
                  + " the service keeps its hash and cannot show it again.")
          String token,
      @JsonPropertyDescription(
              "The job's address with the token as its share_token parameter, which works in a"
                  + " browser. Only in share_job's answer.")
          String url) {}

  /** What {@code share_job} answers. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("The share made, with its token (shown this once).")
  public record ShareResult(
      @JsonPropertyDescription("The share, with its token and url.") ShareView share,
      @JsonPropertyDescription("What the token reads and how to end it, in a sentence.")
          String message) {}

  /** What {@code list_job_shares} answers. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("The shares of a job that still work, oldest first, without tokens.")
  public record ShareList(
      @JsonPropertyDescription("The job's id.") String jobId,
      @JsonPropertyDescription("Its shares that have not expired or been revoked.")
          List<ShareView> shares) {}

  /** What {@code revoke_job_share} answers. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("The share revoked.")
  public record RevokeResult(
      @JsonPropertyDescription("The share's id.") String shareId,
      @JsonPropertyDescription("Always true: its token is refused from the next request on.")
          boolean revoked,
      @JsonPropertyDescription("What happened, in a sentence.") String message) {}
}
