package dev.jobkit.shell.command;

import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.guard.Outcome;
import dev.jobkit.sdk.guard.OutcomeKind;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The guarded delete of a record that has no lifecycle (an app, a dataset), in the steps a job's
 * delete takes: the pre-check reads it (none: {@code NOT_FOUND}, nothing asked), the question says
 * what goes and what stays, a yes deletes it, and the delete is verified by the record's being
 * gone. Refused without a terminal unless {@code --yes} is given.
 *
 * @param <T> the record
 */
final class RecordDelete<T> {

  private final String label;
  private final Supplier<T> read;
  private final Runnable delete;

  /**
   * @param label how the messages name it, such as {@code "dataset ds_01…"}
   * @param read reads it; throws {@link NotFoundException} when it is gone or not the caller's
   * @param delete deletes it; throws {@link NotFoundException} when it was gone already
   */
  RecordDelete(String label, Supplier<T> read, Runnable delete) {
    this.label = label;
    this.read = read;
    this.delete = delete;
  }

  /**
   * Runs the steps and renders the outcome.
   *
   * @param notFound the message when the pre-check finds nothing (says what to type instead)
   * @param question the question for the record the pre-check read, ending in {@code [yes/no]}
   * @param done the message once it is verified gone
   * @return the exit code of the outcome
   */
  int run(Invocation in, String notFound, Function<T, String> question, Function<T, String> done) {
    Guarded.refuseWithoutTerminal(in);
    long start = System.nanoTime();
    Supplier<Duration> took = () -> Duration.ofNanos(System.nanoTime() - start);
    T record;
    try {
      record = read.get();
    } catch (NotFoundException gone) {
      return outcome(in, OutcomeKind.NOT_FOUND, false, false, notFound, took);
    }
    if (!Guarded.ask(in.session(), question.apply(record), in.flag("yes"), in.out(), in.style())) {
      return outcome(
          in, OutcomeKind.DECLINED, false, false, "not confirmed; " + label + " was kept", took);
    }
    try {
      delete.run();
    } catch (NotFoundException goneAlready) {
      return outcome(
          in,
          OutcomeKind.RACE_LOST,
          true,
          false,
          label + " was deleted by someone else first",
          took);
    }
    try {
      read.get();
      return outcome(
          in, OutcomeKind.UNVERIFIED, true, true, label + " still exists after the delete", took);
    } catch (NotFoundException gone) {
      return outcome(in, OutcomeKind.APPLIED, true, true, done.apply(record), took);
    }
  }

  private static int outcome(
      Invocation in,
      OutcomeKind kind,
      boolean confirmed,
      boolean executed,
      String message,
      Supplier<Duration> took) {
    in.render()
        .outcome(
            new Outcome(
                kind,
                null,
                confirmed,
                executed,
                kind == OutcomeKind.APPLIED,
                null,
                message,
                null,
                took.get()));
    return Exits.of(kind);
  }
}
