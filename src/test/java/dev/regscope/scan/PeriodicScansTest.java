package dev.regscope.scan;

import static dev.regscope.testing.RegistryTree.image;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.TreeReader;
import dev.regscope.testing.ForwardingTreeReader;
import dev.regscope.testing.RegistryTree;
import dev.regscope.testing.Scans;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Background scanning: reading the state never starts or waits for a walk. */
@Timeout(120)
class PeriodicScansTest {
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final RegistryTree tree = RegistryTree.at(fs.getPath("/v2"));

  private static void awaitScans(SnapshotSource source, long scans) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (source.current().scans() < scans && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(source.current().scans()).isGreaterThanOrEqualTo(scans);
  }

  @Test
  void readingTheStateDoesNotScan() throws Exception {
    tree.repo("app").tag("v1", image(tree.layer(10)));
    AtomicInteger walks = new AtomicInteger();
    TreeReader counting =
        new ForwardingTreeReader(new NioTreeReader()) {
          @Override
          public List<Entry> list(Path dir) throws IOException {
            if (dir.equals(tree.layout().repositories())) {
              walks.incrementAndGet();
            }
            return super.list(dir);
          }
        };
    try (PeriodicScans scans =
        new PeriodicScans(
            new Scanner(tree.layout(), counting, Scans.CLOCK, p -> {}), Duration.ofHours(1))) {
      awaitScans(scans, 1);
      tree.repo("app").tag("v2", image(tree.layer(20)));
      for (int i = 0; i < 100; i++) {
        assertThat(scans.current().latest().orElseThrow().tagCount()).isEqualTo(1);
      }
      assertThat(walks.get()).isEqualTo(1);
      assertThat(scans.ready()).isTrue();
    }
  }

  @Test
  void aRunningScanDoesNotHoldReadersBack() throws Exception {
    tree.repo("app").tag("v1", image(tree.layer(10)));
    CountDownLatch secondScanEntered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger walks = new AtomicInteger();
    TreeReader gated =
        new ForwardingTreeReader(new NioTreeReader()) {
          @Override
          public List<Entry> list(Path dir) throws IOException {
            if (dir.equals(tree.layout().repositories()) && walks.incrementAndGet() == 2) {
              secondScanEntered.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                throw new IOException(e);
              }
            }
            return super.list(dir);
          }
        };
    try (PeriodicScans scans =
        new PeriodicScans(
            new Scanner(tree.layout(), gated, Scans.CLOCK, p -> {}), Duration.ofMillis(10))) {
      secondScanEntered.await();
      // The second scan is stuck inside the walk; the state from the first answers at once.
      assertThat(scans.current().scans()).isEqualTo(1);
      assertThat(scans.current().latest()).isPresent();
      release.countDown();
      awaitScans(scans, 2);
    }
  }

  @Test
  void aScanThatCannotListTheTreeKeepsThePreviousSnapshot() throws Exception {
    tree.repo("app").tag("v1", image(tree.layer(10)));
    AtomicInteger walks = new AtomicInteger();
    TreeReader failingLater =
        new ForwardingTreeReader(new NioTreeReader()) {
          @Override
          public List<Entry> list(Path dir) throws IOException {
            if (dir.equals(tree.layout().repositories()) && walks.incrementAndGet() > 1) {
              throw new java.nio.file.AccessDeniedException(dir.toString());
            }
            return super.list(dir);
          }
        };
    try (PeriodicScans scans =
        new PeriodicScans(
            new Scanner(tree.layout(), failingLater, Scans.CLOCK, p -> {}),
            Duration.ofMillis(10))) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (scans.current().failedScans() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(scans.current().failedScans()).isGreaterThanOrEqualTo(2);
      assertThat(scans.current().scans()).isEqualTo(1);
      assertThat(scans.current().latest().orElseThrow().tagCount()).isEqualTo(1);
    }
  }

  @Test
  void anErrorInTheScanThreadIsReportedAsFatalAndNoScanRunsAfterIt() throws Exception {
    errorIsFatal(tree.layout().repositories());
  }

  @Test
  void anErrorInAScanWorkerIsFatalTooNotAFailedScan() throws Exception {
    // The repository's own folder is listed by a worker of the scan's pool.
    errorIsFatal(tree.layout().repository("app"));
  }

  private void errorIsFatal(Path failingFolder) throws Exception {
    tree.repo("app").tag("v1", image(tree.layer(10)));
    AtomicInteger walks = new AtomicInteger();
    OutOfMemoryError outOfMemory = new OutOfMemoryError("Java heap space (injected)");
    TreeReader failingLater =
        new ForwardingTreeReader(new NioTreeReader()) {
          @Override
          public List<Entry> list(Path dir) throws IOException {
            if (dir.equals(failingFolder) && walks.incrementAndGet() == 2) {
              throw outOfMemory;
            }
            return super.list(dir);
          }
        };
    java.util.concurrent.CompletableFuture<Throwable> fatal =
        new java.util.concurrent.CompletableFuture<>();
    try (PeriodicScans scans =
        new PeriodicScans(
            new Scanner(tree.layout(), failingLater, Scans.CLOCK, p -> {}),
            Duration.ofMillis(10),
            state -> {},
            fatal::complete)) {
      assertThat(fatal.get(10, java.util.concurrent.TimeUnit.SECONDS)).isSameAs(outOfMemory);
      Thread.sleep(200);
      // Not a failed scan that the schedule shrugs off: scheduling stopped, for the process to end.
      assertThat(walks.get()).isEqualTo(2);
      assertThat(scans.current().scans()).isEqualTo(1);
      assertThat(scans.current().failedScans()).isZero();
    }
  }

  @Test
  void aStateBecomesCurrentOnlyOnceItIsPublished() throws Exception {
    tree.repo("app").tag("v1", image(tree.layer(10)));
    CountDownLatch rendering = new CountDownLatch(1);
    CountDownLatch rendered = new CountDownLatch(1);
    try (PeriodicScans scans =
        new PeriodicScans(
            new Scanner(tree.layout(), new NioTreeReader(), Scans.CLOCK, p -> {}),
            Duration.ofHours(1),
            state -> {
              rendering.countDown();
              try {
                rendered.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            })) {
      rendering.await();
      // The scan is done but /metrics does not hold it yet: not ready.
      assertThat(scans.ready()).isFalse();
      assertThat(scans.current().scans()).isZero();
      rendered.countDown();
      awaitScans(scans, 1);
      assertThat(scans.ready()).isTrue();
    }
  }

  @Test
  void aZeroIntervalIsNotABackgroundSchedule() {
    assertThatThrownBy(
            () ->
                new PeriodicScans(
                    new Scanner(tree.layout(), new NioTreeReader(), Scans.CLOCK, p -> {}),
                    Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
