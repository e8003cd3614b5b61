package dev.regscope.scan;

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
  private final AtomicReference<ScanState> state = new AtomicReference<>(ScanState.EMPTY);

  /**
   * @param onPublish called in the scan thread with each new state, e.g. to render it for scrapes
   */
  ScanRunner(ScanSource scanner, Consumer<ScanState> onPublish) {
    this.scanner = scanner;
    this.onPublish = onPublish;
  }

  synchronized ScanState runOnce() {
    try {
      var snapshot = scanner.scan();
      state.updateAndGet(s -> s.after(snapshot));
      LOG.debug(
          "scan finished in {} ms: {} repositories, {} tags",
          snapshot.duration().toMillis(),
          snapshot.repositories().size(),
          snapshot.tagCount());
    } catch (IOException | RuntimeException e) {
      // Keep the previous snapshot: a tree that cannot be listed right now has not lost its images.
      LOG.error("scan failed, keeping the previous snapshot: {}", e.toString());
      state.updateAndGet(ScanState::afterFailure);
    }
    ScanState published = state.updateAndGet(s -> s.withApi(scanner.apiHealth()));
    try {
      onPublish.accept(published);
    } catch (RuntimeException e) {
      LOG.error("publishing the scan failed: {}", e.toString());
    }
    return published;
  }

  ScanState current() {
    return state.get();
  }
}
