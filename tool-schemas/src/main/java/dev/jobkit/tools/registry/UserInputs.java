package dev.jobkit.tools.registry;

import static dev.jobkit.tools.registry.Inputs.TOKEN_MAX_LENGTH;
import static dev.jobkit.tools.registry.Inputs.TOKEN_TEXT;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The input of every user tool ({@code whoami}, {@code list_users}, {@code create_user}, {@code
 * set_scheduling_mode}): one record each, as in {@link Inputs}.
 */
public final class UserInputs {

  private UserInputs() {}

  /** A user's name as the service takes them. */
  static final String USER_NAME = "^[A-Za-z0-9._-]{1,64}$";

  /** {@code whoami} takes nothing. */
  @JsonClassDescription("No arguments.")
  public record Whoami() {}

  /** {@code list_users} takes nothing. */
  @JsonClassDescription("No arguments.")
  public record ListUsers() {}

  /** The roles an agent may give a new user: never admin. */
  public enum NewRole {
    /** Submits and manages their own jobs. */
    @JsonProperty("user")
    USER,
    /** Runs jobs for the service (the worker protocol). */
    @JsonProperty("worker")
    WORKER
  }

  /** A user's scheduling mode, as tools name it. */
  public enum Mode {
    /** One job at a time. */
    @JsonProperty("serial")
    SERIAL,
    /** Several jobs at a time. */
    @JsonProperty("parallel")
    PARALLEL
  }

  /** What {@code create_user} creates. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("The user to create.")
  public record CreateUser(
      @JsonPropertyDescription("A unique name: letters, digits, . _ -, 1 to 64 characters.")
          @NotNull
          @Pattern(regexp = USER_NAME)
          String name,
      @JsonPropertyDescription("user (the default) or worker.") NewRole role,
      @JsonPropertyDescription("serial or parallel (the default).") Mode schedulingMode,
      @JsonPropertyDescription(TOKEN_TEXT) @Size(min = 1, max = TOKEN_MAX_LENGTH)
          String confirmationToken) {}

  /** What {@code set_scheduling_mode} sets. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("The user and their new scheduling mode.")
  public record SetSchedulingMode(
      @JsonPropertyDescription("The user's name.") @NotNull @Pattern(regexp = USER_NAME)
          String user,
      @JsonPropertyDescription("serial (one job at a time) or parallel (several).") @NotNull
          Mode schedulingMode,
      @JsonPropertyDescription(TOKEN_TEXT) @Size(min = 1, max = TOKEN_MAX_LENGTH)
          String confirmationToken) {}
}
