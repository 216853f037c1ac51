package dev.jobkit.tools.registry;

import static dev.jobkit.tools.registry.Inputs.JOB_ID;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The input of every app tool ({@code list_apps}, {@code get_app}, {@code submit_app_job}): one
 * record each, as in {@link Inputs}.
 */
public final class AppInputs {

  private AppInputs() {}

  /** An app's name as the service takes it. */
  static final String APP_NAME = "^[a-z][a-z0-9-]{0,62}$";

  private static final String APP_NAME_TEXT =
      "The app's name, as list_apps shows it: lowercase letters, digits and -.";

  /** {@code list_apps} takes nothing. */
  @JsonClassDescription("No arguments.")
  public record ListApps() {}

  /** Which app {@code get_app} reads. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("Which app to read.")
  public record GetApp(
      @JsonPropertyDescription(APP_NAME_TEXT) @NotNull @Pattern(regexp = APP_NAME) String name,
      @JsonPropertyDescription("A version of it (1, 2, ...); the latest when left out.") @Min(1)
          Integer version) {}

  /** What {@code submit_app_job} runs. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription(
      "The app to run and its parameters. Give the parameters as the object parameters or, where"
          + " an object of free keys cannot be passed, as the JSON text parameters_json; not both.")
  public record SubmitAppJob(
      @JsonPropertyDescription(APP_NAME_TEXT) @NotNull @Pattern(regexp = APP_NAME) String app,
      @JsonPropertyDescription("The version of the app to run; the latest when left out.") @Min(1)
          Integer appVersion,
      @JsonPropertyDescription(
              "The parameters by name, matching the app's parameter schema (get_app shows it),"
                  + " such as {\"lr\": 0.001, \"epochs\": 10}. A parameter left out takes the"
                  + " schema's default.")
          Map<String, Object> parameters,
      @JsonPropertyDescription(
              "The same parameters as one JSON object in a string, such as"
                  + " \"{\\\"lr\\\": 0.001, \\\"epochs\\\": 10}\", for hosts whose tool schemas"
                  + " cannot hold an object of free keys.")
          @Size(max = 65536)
          String parametersJson,
      @JsonPropertyDescription("A short human name for the job; the app and version when left out.")
          @Size(min = 1, max = 200)
          String displayName,
      @JsonPropertyDescription("1 (lowest) to 9 (highest); the app's default when left out.")
          @Min(1)
          @Max(9)
          Integer priority,
      @JsonPropertyDescription("Labels to find the job by later.") @Size(max = 32)
          List<Inputs.Tag> tags,
      @JsonPropertyDescription("Ids of jobs that must succeed before this one starts.")
          @Size(max = 32)
          List<@Pattern(regexp = JOB_ID) String> parents) {}
}
