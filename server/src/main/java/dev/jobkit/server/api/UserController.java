package dev.jobkit.server.api;

import dev.jobkit.sdk.users.ApiKey;
import dev.jobkit.sdk.users.NewUser;
import dev.jobkit.sdk.users.User;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.auth.UserService;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/me} and the admin endpoints under {@code /api/v1/users}. */
@RestController
@RequestMapping("/api/v1")
class UserController {

  private final UserService users;

  UserController(UserService users) {
    this.users = users;
  }

  @GetMapping("/me")
  User me(Caller caller) {
    return users.me(caller);
  }

  @GetMapping("/users")
  List<User> list(Caller caller) {
    return users.list(caller);
  }

  @PostMapping("/users")
  @ResponseStatus(HttpStatus.CREATED)
  User create(Caller caller, @RequestBody NewUser user) {
    return users.create(caller, user);
  }

  @PostMapping("/users/{name}/keys")
  @ResponseStatus(HttpStatus.CREATED)
  ApiKey createKey(Caller caller, @PathVariable String name) {
    return users.createKey(caller, name);
  }

  @PutMapping("/users/{name}/scheduling")
  User setScheduling(Caller caller, @PathVariable String name, @RequestBody SchedulingUpdate body) {
    return users.setSchedulingMode(caller, name, body.mode());
  }
}
