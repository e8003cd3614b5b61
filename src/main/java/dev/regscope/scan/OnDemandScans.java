package dev.regscope.scan;

import dev.regscope.model.ScanState;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Scans when asked ({@code --scan-interval 0}), as the older Python exporter did on every scrape.
 * Scrapes that arrive while a scan runs wait for that same scan instead of starting their own. The
 * scan runs on a thread of its own, and a scrape waits for it at most {@link #MAX_WAIT}; past that
 * it gets the last complete state while the scan goes on, so storage that hangs cannot tie up the
 * server's threads one scrape at a time.
 */
public final class OnDemandScans implements SnapshotSource {
  /** Prometheus gives up on a scrape after 10 s by default. */
  static final Duration MAX_WAIT = Duration.ofSeconds(10);

  private final ScanRunner runner;
  private final Duration maxWait;
  private final ExecutorService scanThread =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "regscope-scan");
            thread.setDaemon(true);
            return thread;
          });
  private CompletableFuture<ScanState> inFlight;
  private int joined;

  public OnDemandScans(ScanSource scanner) {
    this(scanner, state -> {});
  }

  public OnDemandScans(ScanSource scanner, Consumer<ScanState> onPublish) {
    this(scanner, onPublish, e -> {});
  }

  /**
   * @param onFatal told of an {@link Error} while scanning (then rethrown to the scrape): it should
   *     end the process, so that it is restarted
   */
  public OnDemandScans(
      ScanSource scanner, Consumer<ScanState> onPublish, Consumer<Throwable> onFatal) {
    this(scanner, onPublish, onFatal, MAX_WAIT);
  }

  OnDemandScans(
      ScanSource scanner,
      Consumer<ScanState> onPublish,
      Consumer<Throwable> onFatal,
      Duration maxWait) {
    this.runner = new ScanRunner(scanner, onPublish, onFatal);
    this.maxWait = maxWait;
  }

  @Override
  public ScanState current() {
    CompletableFuture<ScanState> scan;
    boolean joining;
    synchronized (this) {
      joining = inFlight != null;
      if (!joining) {
        CompletableFuture<ScanState> started = new CompletableFuture<>();
        inFlight = started;
        scanThread.execute(
            () -> {
              ScanState result = null;
              Throwable failure = null;
              try {
                result = runner.runOnce();
              } catch (Throwable e) {
                failure = e;
              }
              // Cleared before the waiting scrapes wake: a caller that asks again at once must
              // start a new scan, not join this finished one and get its state a second time.
              synchronized (this) {
                inFlight = null;
              }
              if (failure != null) {
                started.completeExceptionally(failure);
              } else {
                started.complete(result);
              }
            });
      } else {
        joined++;
      }
      scan = inFlight;
    }
    try {
      return scan.get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return runner.current(); // the scan goes on; the next scrape joins it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return runner.current();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("scan failed", e.getCause());
    } finally {
      if (joining) {
        synchronized (this) {
          joined--;
        }
      }
    }
  }

  /**
   * Callers waiting for a scan another caller started; lets tests see that scrapes share one walk.
   */
  public synchronized int waitingCallers() {
    return joined;
  }

  /** Ready once a scan has completed; asking does not start one. */
  @Override
  public boolean ready() {
    return runner.current().latest().isPresent();
  }

  /** How many scans have run; lets tests see that concurrent scrapes shared one walk. */
  public long scans() {
    return runner.current().scans() + runner.current().failedScans();
  }
}
