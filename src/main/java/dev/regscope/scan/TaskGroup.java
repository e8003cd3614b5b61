package dev.regscope.scan;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Tasks that may add further tasks (a folder task adds one per subfolder), run on a shared pool,
 * and a wait for all of them. A plain queue and parked threads, not a fork-join pool: with many
 * threads on few cores, idle fork-join workers spin looking for work and take the CPU from the ones
 * doing it.
 */
final class TaskGroup {
  private final ExecutorService pool;
  private final Semaphore running;
  private final Object lock = new Object();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private int pending;

  /**
   * @param parallelism how many of the group's tasks may run at once, at most the pool's size
   */
  TaskGroup(ExecutorService pool, int parallelism) {
    this.pool = pool;
    this.running = new Semaphore(parallelism);
  }

  void submit(Runnable task) {
    synchronized (lock) {
      pending++;
    }
    try {
      pool.execute(
          () -> {
            running.acquireUninterruptibly();
            try {
              task.run();
            } catch (RuntimeException | Error e) {
              failure.compareAndSet(null, e);
            } finally {
              running.release();
              finished();
            }
          });
    } catch (RuntimeException | Error e) {
      // Not queued (the pool refused it, or memory ran out on the way): counted as done and failed,
      // so await()
      // reports the failure instead of waiting for a task that never runs.
      failure.compareAndSet(null, e);
      finished();
    }
  }

  private void finished() {
    synchronized (lock) {
      if (--pending == 0) {
        lock.notifyAll();
      }
    }
  }

  /**
   * Waits until every task, including the ones tasks added, has finished; rethrows the first
   * failure. An {@link Error} (memory ran out) is rethrown as it is: it is fatal, not a failed
   * scan.
   */
  void await() {
    synchronized (lock) {
      while (pending > 0) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while scanning", e);
        }
      }
    }
    Throwable e = failure.get();
    if (e instanceof Error error) {
      throw error;
    }
    if (e instanceof RuntimeException runtime) {
      throw runtime;
    }
  }
}
