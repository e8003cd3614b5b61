package dev.regscope.supervise;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code serve} running inside one container that never exits on its account. In a sidecar a
 * container that exits or is restarted is not ready for a while, and a pod is ready only when every
 * container is: a crashing regscope took the registry out of its Service. So this process, not
 * {@code serve}, is the container's: it starts {@code serve} as a child, starts it again whenever
 * it ends (a fatal error, memory that ran out, a {@code kill -9}) after a {@link Backoff}, and
 * stops it when it no longer answers its health check, the liveness probe's job before. It ends
 * only when told to stop, taking the child with it.
 */
public final class Supervisor {
  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

  /**
   * How {@code serve}'s health is checked.
   *
   * @param url its {@code /-/healthy}
   * @param grace how long after a start before the first check (the JVM starts, the store opens)
   * @param period between checks
   * @param timeout for one check's answer
   * @param failures checks failed in a row that stop it
   */
  public record Health(URI url, Duration grace, Duration period, Duration timeout, int failures) {}

  private final List<String> command;
  private final Health health;
  private final Backoff backoff;
  private final Duration stopTimeout;
  private final Object lock = new Object();
  private Process child;
  private boolean stopping;
  private Restarts restarts = Restarts.NONE;

  public Supervisor(List<String> command, Health health, Backoff backoff, Duration stopTimeout) {
    this.command = List.copyOf(command);
    this.health = health;
    this.backoff = backoff;
    this.stopTimeout = stopTimeout;
  }

  /** Runs until {@link #stop} (from a shutdown hook: SIGTERM); returns the last run's exit code. */
  public int run() throws InterruptedException {
    Duration wait = null;
    int code = 0;
    while (true) {
      Process started = start();
      if (started == null) {
        return code;
      }
      long began = System.nanoTime();
      Restarts.Reason reason = watch(started);
      if (started.isAlive()) {
        // SIGKILL does not end a process stuck in the kernel (a read from a hung network mount)
        // until the read returns; it still holds the port, so a new serve could not listen.
        LOG.error("regscope serve, pid {}, did not end on SIGKILL; waiting for it", started.pid());
        started.waitFor();
      }
      code = started.exitValue();
      Duration ran = Duration.ofNanos(System.nanoTime() - began);
      synchronized (lock) {
        if (stopping) {
          return code;
        }
        restarts = restarts.plus(reason);
      }
      wait = backoff.next(wait, ran);
      LOG.error(
          "regscope serve {} after {} s (exit code {}); starting it again in {} s (restart {})",
          reason == Restarts.Reason.UNHEALTHY ? "stopped answering its health check" : "ended",
          ran.toSeconds(),
          code,
          wait.toMillis() / 1e3,
          restarts.total());
      synchronized (lock) {
        long until = System.nanoTime() + wait.toNanos();
        for (long left = wait.toMillis(); !stopping && left > 0; ) {
          lock.wait(left);
          left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
        }
      }
    }
  }

  /** Stops the child (SIGTERM, then SIGKILL after the stop timeout) and ends {@link #run}. */
  public void stop() {
    Process running;
    synchronized (lock) {
      stopping = true;
      running = child;
      lock.notifyAll();
    }
    if (running != null) {
      end(running);
    }
  }

  private Process start() {
    synchronized (lock) {
      if (stopping) {
        return null;
      }
      ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
      builder.environment().put(Restarts.ENV, restarts.encode());
      try {
        child = builder.start();
      } catch (IOException e) {
        // The command itself is wrong (no such file): no restart can help. Ending would restart
        // the container and take the registry out of its Service, so this waits to be stopped.
        LOG.error("cannot start {}: {}; waiting to be stopped", command.get(0), e.getMessage());
        child = null;
        while (!stopping) {
          try {
            lock.wait();
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return null;
          }
        }
        return null;
      }
      LOG.info("started regscope serve, pid {}", child.pid());
      return child;
    }
  }

  /** Waits for the child to end, or stops it once its health check fails often enough. */
  private Restarts.Reason watch(Process running) throws InterruptedException {
    long checksFrom = System.nanoTime() + health.grace().toNanos();
    int failed = 0;
    while (!running.waitFor(health.period().toMillis(), TimeUnit.MILLISECONDS)) {
      if (System.nanoTime() < checksFrom) {
        continue;
      }
      String problem = check();
      if (problem == null) {
        failed = 0;
        continue;
      }
      failed++;
      LOG.warn("health check {} of {} failed: {}", failed, health.failures(), problem);
      if (failed >= health.failures()) {
        end(running);
        return Restarts.Reason.UNHEALTHY;
      }
    }
    return Restarts.Reason.ofExitCode(running.exitValue());
  }

  /** Null when {@code serve} answered 200 in time; else what went wrong. */
  private String check() {
    try {
      HttpURLConnection connection = (HttpURLConnection) health.url().toURL().openConnection();
      connection.setConnectTimeout((int) health.timeout().toMillis());
      connection.setReadTimeout((int) health.timeout().toMillis());
      try {
        int status = connection.getResponseCode();
        try (InputStream body =
            status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
          if (body != null) {
            body.readAllBytes();
          }
        }
        return status == 200 ? null : "answered " + status;
      } finally {
        connection.disconnect();
      }
    } catch (IOException e) {
      return e.toString();
    }
  }

  private void end(Process running) {
    running.destroy(); // SIGTERM: serve shuts down in order
    try {
      if (!running.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        running.destroyForcibly();
        running.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      running.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
