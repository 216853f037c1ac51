package dev.jobkit.server.shares;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.shares.Share;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * {@code POST/GET /api/v1/jobs/{id}/shares} and {@code DELETE /api/v1/shares/{share_id}}: make,
 * list and revoke the read-only share tokens of a job.
 */
@RestController
class ShareController {

  /**
   * What a share is made with; the body may be left out.
   *
   * @param expiresIn how long the token works: {@code 3d}, {@code 12h}, {@code 30m}, {@code 90s} or
   *     an ISO-8601 duration; 7 days if left out, 30 days at most
   */
  record NewShare(@JsonProperty("expires_in") String expiresIn) {}

  /**
   * A job's shares that still work, without their tokens.
   *
   * @param items the shares, oldest first
   */
  record ShareList(List<Share> items) {}

  private final Shares shares;

  ShareController(Shares shares) {
    this.shares = shares;
  }

  @PostMapping("/api/v1/jobs/{id}/shares")
  @ResponseStatus(HttpStatus.CREATED)
  Share create(
      Caller caller, @PathVariable String id, @RequestBody(required = false) NewShare body) {
    if (caller.kind() == ActorKind.JOB) {
      throw ApiException.forbidden(
          "a job's token cannot make a share: a share token outlives the job's attempt (up to 30"
              + " days), and what a job's code is given must end with it; make the share with an"
              + " API key");
    }
    String base = ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
    return shares.create(caller, id, body == null ? null : body.expiresIn(), base);
  }

  @GetMapping("/api/v1/jobs/{id}/shares")
  ShareList list(Caller caller, @PathVariable String id) {
    return new ShareList(shares.list(caller, id));
  }

  @DeleteMapping("/api/v1/shares/{share_id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void revoke(Caller caller, @PathVariable("share_id") String shareId) {
    shares.revoke(caller, shareId);
  }
}
