/**
 * The lifecycle engine: {@link dev.jobkit.server.engine.JobLifecycle} applies transitions and their
 * consequences (children released or failed, the dispatcher woken); {@link
 * dev.jobkit.server.engine.Dispatcher} claims queued jobs in priority order within each owner's
 * limit and the executor's slots, launches them and follows their attempts; {@code AttemptSettler}
 * records how an attempt ended and retries or fails the job; {@link
 * dev.jobkit.server.engine.Stopper} ends a job early (a stop or a timeout) with one
 * compare-and-swap and the kill; {@code Recovery} puts jobs left running by a previous run of the
 * service back on their feet.
 */
package dev.jobkit.server.engine;
