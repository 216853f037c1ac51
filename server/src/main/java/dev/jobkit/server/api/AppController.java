package dev.jobkit.server.api;

import dev.jobkit.sdk.apps.App;
import dev.jobkit.sdk.apps.AppSpec;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.jobs.AppCatalog;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/apps}: list, read (a version, or every version), put (admin, a new version) and
 * delete (admin) app definitions. Jobs run them through {@code POST /api/v1/jobs} with {@code app}.
 */
@RestController
@RequestMapping("/api/v1/apps")
class AppController {

  private final AppCatalog apps;

  AppController(AppCatalog apps) {
    this.apps = apps;
  }

  @GetMapping
  AppList list(Caller caller) {
    return new AppList(apps.list());
  }

  @GetMapping("/{name}")
  App get(
      Caller caller, @PathVariable String name, @RequestParam(required = false) String version) {
    return apps.get(name, version == null ? null : version(version));
  }

  @GetMapping("/{name}/versions")
  AppList versions(Caller caller, @PathVariable String name) {
    return new AppList(apps.versions(name));
  }

  @PutMapping("/{name}")
  App put(Caller caller, @PathVariable String name, @RequestBody AppSpec spec) {
    return apps.put(caller, name, spec);
  }

  @DeleteMapping("/{name}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void delete(Caller caller, @PathVariable String name) {
    apps.delete(caller, name);
  }

  private static int version(String text) {
    try {
      int version = Integer.parseInt(text.strip());
      if (version >= 1) {
        return version;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.invalid("version", "must be a version number from 1, not '" + text + "'");
  }
}
