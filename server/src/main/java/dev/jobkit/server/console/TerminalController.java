package dev.jobkit.server.console;

import dev.jobkit.sdk.jobs.TerminalUrl;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** {@code POST /api/v1/jobs/{id}/pods/{pod}/terminal}: a single-use web terminal URL. */
@RestController
class TerminalController {

  private final Terminals terminals;

  TerminalController(Terminals terminals) {
    this.terminals = terminals;
  }

  @PostMapping("/api/v1/jobs/{id}/pods/{pod}/terminal")
  ResponseEntity<TerminalUrl> terminal(
      Caller caller,
      @PathVariable String id,
      @PathVariable String pod,
      HttpServletRequest request) {
    int index;
    try {
      index = Integer.parseInt(pod.strip());
    } catch (NumberFormatException e) {
      throw ApiException.invalid("pod", "must be a pod's index (0, 1, …), not '" + pod + "'");
    }
    // The address as the request saw it: behind a proxy, what server.forward-headers-strategy
    // lets the request say.
    String base = ServletUriComponentsBuilder.fromContextPath(request).build().toUriString();
    return ResponseEntity.status(HttpStatus.CREATED).body(terminals.ask(caller, id, index, base));
  }
}
