package dev.regscope.scan;

import dev.regscope.model.ScanFailure;
import dev.regscope.model.ScanState;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one scan at a time and publishes its result; both scheduling modes share it. */
final class ScanRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ScanRunner.class);

  private final ScanSource scanner;
  private final Consumer<ScanState> onPublish;
  private final Consumer<Throwable> onFatal;
  private final AtomicReference<ScanState> state = new AtomicReference<>(ScanState.EMPTY);

  /**
   * @param onPublish called in the scan thread with each new state, e.g. to render it for scrapes;
   *     the state becomes {@link #current()} only once it returns, so readiness never runs ahead of
   *     what {@code /metrics} serves
   * @param onFatal called with an {@link Error} (memory ran out, a bug in the JVM's own code),
   *     which is rethrown: no scan can be trusted after one, so the process should end and be
   *     restarted
   */
  ScanRunner(ScanSource scanner, Consumer<ScanState> onPublish, Consumer<Throwable> onFatal) {
    this.scanner = scanner;
    this.onPublish = onPublish;
    this.onFatal = onFatal;
  }

  synchronized ScanState runOnce() {
    try {
      ScanState before = state.get();
      ScanState next = scanOnce(before).withApi(scanner.apiHealth());
      if (Thread.currentThread().isInterrupted()) {
        // Stopped (a target removed, shutdown): what it read is no result, and publishing it could
        // bring back series its owner has just removed.
        LOG.debug("scan stopped before it finished; nothing published");
        return before;
      }
      try {
        onPublish.accept(next);
      } catch (RuntimeException e) {
        LOG.error("publishing the scan failed", e);
      }
      state.set(next);
      return next;
    } catch (Error e) {
      onFatal.accept(e);
      throw e;
    }
  }

  private ScanState scanOnce(ScanState before) {
    try {
      var snapshot = scanner.scan();
      LOG.debug(
          "scan finished in {} ms: {} repositories, {} tags",
          snapshot.duration().toMillis(),
          snapshot.repositories().size(),
          snapshot.tagCount());
      return before.after(snapshot);
    } catch (ScanFailedException e) {
      failed(before, e.reason(), e.getMessage());
      return before.afterFailure(e.reason());
    } catch (IOException e) {
      // A tree that cannot be listed right now has not lost its images.
      failed(before, ScanFailure.READ_ERROR, e.toString());
      return before.afterFailure(ScanFailure.READ_ERROR);
    } catch (RuntimeException e) {
      if (Thread.currentThread().isInterrupted()) {
        return before; // stopped, not failed: runOnce publishes nothing
      }
      LOG.error("scan failed: a bug in regscope", e);
      failed(before, ScanFailure.INTERNAL_ERROR, e.toString());
      return before.afterFailure(ScanFailure.INTERNAL_ERROR);
    }
  }

  private static void failed(ScanState before, ScanFailure reason, String message) {
    LOG.error(
        "scan failed ({}), {}: {}",
        reason.label(),
        before
            .latest()
            .map(s -> "keeping the snapshot of " + s.finishedAt())
            .orElse("nothing published yet"),
        message);
  }

  ScanState current() {
    return state.get();
  }
}
