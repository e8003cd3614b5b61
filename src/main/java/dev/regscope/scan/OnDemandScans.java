package dev.regscope.scan;

import dev.regscope.model.ScanState;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Scans when asked ({@code --scan-interval 0}), as the older Python exporter did on every scrape.
 * Scrapes that arrive while a scan runs wait for that same scan instead of starting their own.
 */
public final class OnDemandScans implements SnapshotSource {
  private final ScanRunner runner;
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
    this.runner = new ScanRunner(scanner, onPublish, onFatal);
  }

  @Override
  public ScanState current() {
    CompletableFuture<ScanState> scan;
    boolean mine = false;
    synchronized (this) {
      if (inFlight == null) {
        inFlight = new CompletableFuture<>();
        mine = true;
      }
      scan = inFlight;
      if (!mine) {
        joined++;
      }
    }
    if (!mine) {
      try {
        return scan.join();
      } finally {
        synchronized (this) {
          joined--;
        }
      }
    }
    try {
      ScanState state = runner.runOnce();
      scan.complete(state);
      return state;
    } catch (RuntimeException | Error e) {
      scan.completeExceptionally(e);
      throw e;
    } finally {
      synchronized (this) {
        inFlight = null;
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
