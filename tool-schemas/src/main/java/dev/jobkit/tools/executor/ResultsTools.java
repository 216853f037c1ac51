package dev.jobkit.tools.executor;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.jobs.ResultFile;
import dev.jobkit.sdk.jobs.ResultManifest;
import dev.jobkit.sdk.shares.Share;
import dev.jobkit.tools.registry.ResultsInputs;
import dev.jobkit.tools.registry.ResultsOutputs;
import java.util.List;

/**
 * The results and sharing tools: {@code get_job_results} and {@code list_job_shares} read; {@code
 * share_job} makes a read-only token and {@code revoke_job_share} takes one back. None is guarded:
 * a share reads one job and changes nothing, and a revocation only takes access away (the design
 * guards stop, delete and flush, and what runs code). Nor is there a pre-check: the lifecycle
 * allows {@code RESULTS} and {@code SHARE} in every state ({@code Operation.allowedIn}), so the
 * service's answer is the only refusal there can be (not_found, forbidden, results_expired, a bad
 * expires_in).
 */
final class ResultsTools {

  private final JobkitClient client;

  ResultsTools(JobkitClient client) {
    this.client = client;
  }

  /** The manifest, its first {@code max_files} files with their paths fenced as untrusted. */
  ResultsOutputs.ResultsResult results(ResultsInputs.GetJobResults in) {
    int max = in.maxFiles() == null ? ResultsInputs.DEFAULT_MAX_FILES : in.maxFiles();
    ResultManifest manifest = client.jobs().results(in.jobId()).manifest();
    List<ResultFile> files = manifest.files();
    List<ResultsOutputs.ResultFileView> shown =
        files.subList(0, Math.min(max, files.size())).stream().map(ResultsTools::file).toList();
    return new ResultsOutputs.ResultsResult(
        manifest.jobId(),
        manifest.complete(),
        manifest.computedAt(),
        manifest.fileCount(),
        manifest.totalBytes(),
        shown,
        Math.max(0, manifest.fileCount() - shown.size()));
  }

  ResultsOutputs.ShareResult share(ResultsInputs.ShareJob in) {
    Share share = client.shares().create(in.jobId(), in.expiresIn());
    return new ResultsOutputs.ShareResult(
        view(share),
        "shared job "
            + share.jobId()
            + " until "
            + share.expiresAt()
            + ": whoever holds the token (or the url) reads that job, its log, its events and its"
            + " results, and nothing else. It is shown this once; revoke_job_share with "
            + share.id()
            + " ends it.");
  }

  ResultsOutputs.ShareList shares(ResultsInputs.ListJobShares in) {
    return new ResultsOutputs.ShareList(
        in.jobId(), client.shares().list(in.jobId()).stream().map(ResultsTools::view).toList());
  }

  ResultsOutputs.RevokeResult revoke(ResultsInputs.RevokeJobShare in) {
    client.shares().revoke(in.shareId());
    return new ResultsOutputs.RevokeResult(
        in.shareId(),
        true,
        "revoked share " + in.shareId() + "; its token is refused from the next request on");
  }

  private static ResultsOutputs.ResultFileView file(ResultFile f) {
    return new ResultsOutputs.ResultFileView(
        Untrusted.fence(f.path(), Untrusted.ERROR_BUDGET, false, false),
        f.sizeBytes(),
        f.sha256(),
        f.modifiedAt(),
        f.mediaType());
  }

  private static ResultsOutputs.ShareView view(Share s) {
    return new ResultsOutputs.ShareView(
        s.id(),
        s.jobId(),
        s.createdBy(),
        s.createdAt(),
        s.expiresAt(),
        s.token(),
        s.url() == null ? null : s.url().toString());
  }
}
