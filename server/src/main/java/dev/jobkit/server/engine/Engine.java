package dev.jobkit.server.engine;

import dev.jobkit.server.exec.JobExecutor;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Starts the engine before the web server takes requests (recovery, the external workers' leases
 * and sweep, then dispatching) and stops it after the web server has stopped (the workers' sweep,
 * dispatching, then the executor's processes).
 */
@Component
class Engine implements SmartLifecycle {

  private final Recovery recovery;
  private final Dispatcher dispatcher;
  private final JobExecutor executor;
  private final WorkerClaims workers;
  private volatile boolean running;

  Engine(Recovery recovery, Dispatcher dispatcher, JobExecutor executor, WorkerClaims workers) {
    this.workers = workers;
    this.recovery = recovery;
    this.dispatcher = dispatcher;
    this.executor = executor;
  }

  @Override
  public void start() {
    recovery.recover();
    workers.start();
    dispatcher.start(recovery::sweep);
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    workers.stop();
    dispatcher.stop();
    executor.shutdown();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return 0; // before the web server starts, after it stops
  }
}
