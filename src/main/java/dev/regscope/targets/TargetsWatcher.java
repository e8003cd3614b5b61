package dev.regscope.targets;

import dev.regscope.metrics.TargetsExposition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the targets file again when its content changes (a ConfigMap update swaps the file under a
 * running pod) and applies it; a file that cannot be used leaves the last good targets running,
 * logs why once per bad version, and is counted.
 */
public final class TargetsWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TargetsWatcher.class);

  private final Path file;
  private final RunningTargets targets;
  private final TargetsExposition exposition;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "regscope-targets-file");
            thread.setDaemon(true);
            return thread;
          });
  private byte[] seen;

  /**
   * @param applied the content of the file as it was applied at start
   */
  public TargetsWatcher(
      Path file, byte[] applied, RunningTargets targets, TargetsExposition exposition) {
    this.file = file;
    this.seen = applied.clone();
    this.targets = targets;
    this.exposition = exposition;
  }

  /** Looks at the file every {@code every}. */
  public TargetsWatcher start(Duration every) {
    timer.scheduleWithFixedDelay(
        this::check, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Reads the file once, and applies it if its content changed. */
  synchronized void check() {
    byte[] now;
    try {
      now = Files.readAllBytes(file);
    } catch (IOException e) {
      now = null;
    }
    if (now != null && Arrays.equals(now, seen)) {
      return;
    }
    if (now == null && seen == null) {
      return; // still unreadable: said once already
    }
    seen = now;
    try {
      if (now == null) {
        throw new TargetsFileException(file + " cannot be read", null);
      }
      List<TargetSpec> parsed = TargetsFile.parse(now, file);
      targets.apply(parsed);
      exposition.reloaded(true);
      LOG.info("targets file {} read again: {} targets", file, parsed.size());
    } catch (TargetsFileException | IOException | RuntimeException e) {
      exposition.reloaded(false);
      LOG.warn("keeping the last good targets: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
