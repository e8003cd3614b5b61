package dev.regscope.scan;

import dev.regscope.model.ApiHealth;
import dev.regscope.model.ScanFailure;
import dev.regscope.model.Snapshot;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs each scan of a source on a thread of its own and abandons it when it runs past its {@link
 * ScanTimeout}: no read can stop scanning forever (a FIFO, a hung network mount). The abandoned
 * scan fails with the path it was waiting on; its thread, if stuck, is left behind, and the source
 * is told so that a late result is dropped. Sits above any reader: a folder, a bucket, an API.
 */
public final class ScanWatchdog implements ScanSource {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ScanSource source;
  private final ScanTimeout timeout;

  public ScanWatchdog(ScanSource source, ScanTimeout timeout) {
    this.source = source;
    this.timeout = timeout;
  }

  /** The timeout the next (or running) scan gets. */
  public Duration timeout() {
    return timeout.next();
  }

  @Override
  public Snapshot scan() throws IOException {
    Duration limit = timeout.next();
    CompletableFuture<Snapshot> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(source.scan());
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "regscope-scan-main-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
    thread.start();
    try {
      Snapshot snapshot = result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      timeout.completed(snapshot.duration());
      return snapshot;
    } catch (TimeoutException e) {
      String waiting = source.reading().orElse("no read in progress");
      source.abandon();
      thread.interrupt();
      throw new ScanFailedException(
          ScanFailure.TIMEOUT,
          "scan abandoned after "
              + InFlightReads.describe(limit)
              + " (--scan-timeout"
              + (timeout.isDerived() ? ", derived from recent scans" : "")
              + "): "
              + waiting);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      source.abandon();
      thread.interrupt();
      throw new InterruptedIOException("interrupted while waiting for a scan");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }

  @Override
  public int repositoriesScanned() {
    return source.repositoriesScanned();
  }

  @Override
  public Optional<String> reading() {
    return source.reading();
  }

  @Override
  public Optional<ApiHealth> apiHealth() {
    return source.apiHealth();
  }

  @Override
  public void abandon() {
    source.abandon();
  }
}
