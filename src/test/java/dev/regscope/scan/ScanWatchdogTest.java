package dev.regscope.scan;

import static dev.regscope.testing.RegistryTree.image;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.regscope.model.ScanFailure;
import dev.regscope.model.Snapshot;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.testing.HangingTreeReader;
import dev.regscope.testing.RegistryTree;
import dev.regscope.testing.Scans;
import java.nio.file.FileSystem;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A read that never returns (a hung network mount) cannot stop scanning: the scan is abandoned at
 * its timeout and fails naming the path it waited on, the next scan runs on fresh threads, and a
 * late result of the abandoned one is dropped.
 */
@Timeout(60)
class ScanWatchdogTest {
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final RegistryTree tree = RegistryTree.at(fs.getPath("/v2"));
  private final RegistryTree.Repo app = tree.repo("app");
  private final HangingTreeReader hanging = new HangingTreeReader(new NioTreeReader());

  @AfterEach
  void releaseStuckThreads() {
    hanging.release();
  }

  private Scanner scannerWithOneThread() {
    app.tag("v1", image(tree.layer(10))).tag("v2", image(tree.layer(20)));
    return new Scanner(tree.layout(), hanging, Scans.CLOCK, p -> {}, 1, RepositoryFilter.ALL);
  }

  @Test
  void aReadThatNeverReturnsIsAbandonedAtTheTimeoutNamingItsPath() {
    ScanWatchdog watchdog =
        new ScanWatchdog(scannerWithOneThread(), ScanTimeout.fixed(Duration.ofMillis(500)));
    hanging.hangOn(app.currentLink("v2"));

    assertThatThrownBy(watchdog::scan)
        .isInstanceOfSatisfying(
            ScanFailedException.class, e -> assertThat(e.reason()).isEqualTo(ScanFailure.TIMEOUT))
        .hasMessageContaining("scan abandoned after 500 ms")
        .hasMessageContaining(
            "reading current/link below each entry of /v2/repositories/app/_manifests/tags");
    assertThat(hanging.stuck()).isEqualTo(1);
  }

  @Test
  void theNextScanRunsOnFreshThreadsWhileTheAbandonedOneStaysStuck() throws Exception {
    // One scan thread: were the stuck one reused, the next scan would wait behind it forever.
    ScanWatchdog watchdog =
        new ScanWatchdog(scannerWithOneThread(), ScanTimeout.fixed(Duration.ofMillis(500)));
    hanging.hangOn(app.currentLink("v2"));
    assertThatThrownBy(watchdog::scan).isInstanceOf(ScanFailedException.class);

    hanging.hangOn(null); // the mount answers again; the stuck read still does not return
    Snapshot next = watchdog.scan();

    assertThat(Scans.repository(next, "app").tagCount()).isEqualTo(2);
    assertThat(hanging.stuck()).isEqualTo(1);
  }

  @Test
  void anAbandonedScanThatFinishesLateIsDropped() throws Exception {
    Scanner scanner = scannerWithOneThread();
    hanging.hangOn(app.currentLink("v2"));
    CompletableFuture<Snapshot> late = CompletableFuture.supplyAsync(() -> scan(scanner));
    while (hanging.stuck() == 0) {
      Thread.sleep(5);
    }

    scanner.abandon();
    hanging.hangOn(null);
    Snapshot fresh = scanner.scan();
    hanging.release();

    assertThat(Scans.repository(fresh, "app").tagCount()).isEqualTo(2);
    assertThatThrownBy(late::join)
        .hasCauseInstanceOf(ScanFailedException.class)
        .hasMessageContaining("abandoned scan finished late");
  }

  @Test
  void withoutAHangTheWatchdogHandsTheSnapshotOnAndLearnsItsDuration() throws Exception {
    ScanTimeout derived = ScanTimeout.derived();
    ScanWatchdog watchdog = new ScanWatchdog(scannerWithOneThread(), derived);
    assertThat(watchdog.timeout()).isEqualTo(ScanTimeout.FIRST_SCAN);

    assertThat(Scans.repository(watchdog.scan(), "app").tagCount()).isEqualTo(2);
    assertThat(watchdog.timeout()).isEqualTo(ScanTimeout.FLOOR);
  }

  private static Snapshot scan(Scanner scanner) {
    try {
      return scanner.scan();
    } catch (java.io.IOException e) {
      throw new java.util.concurrent.CompletionException(e);
    }
  }
}
