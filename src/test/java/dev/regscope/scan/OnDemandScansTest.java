package dev.regscope.scan;

import static dev.regscope.testing.RegistryTree.image;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.regscope.model.ScanState;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.testing.HangingTreeReader;
import dev.regscope.testing.RegistryTree;
import dev.regscope.testing.Scans;
import java.nio.file.FileSystem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scan on scrape with storage that hangs: every scrape gets an answer after a bounded wait (the
 * last complete state), they all share the one scan in flight, and none is held until the scan's
 * own timeout, which would tie up the server's threads one scrape at a time.
 */
@Timeout(60)
class OnDemandScansTest {
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final RegistryTree tree = RegistryTree.at(fs.getPath("/v2"));
  private final HangingTreeReader hanging = new HangingTreeReader(new NioTreeReader());

  @AfterEach
  void release() {
    hanging.release();
  }

  @Test
  void scrapesWaitABoundedTimeForAHangingScanAndShareIt() throws Exception {
    tree.repo("app").tag("v1", image(tree.layer(10)));
    OnDemandScans scans =
        new OnDemandScans(
            new ScanWatchdog(
                new Scanner(tree.layout(), hanging, Scans.CLOCK, p -> {}),
                ScanTimeout.fixed(Duration.ofHours(1))),
            state -> {},
            e -> {},
            Duration.ofMillis(300));
    assertThat(scans.current().scans()).isEqualTo(1);

    hanging.hangOn(tree.layout().repositories());
    ExecutorService scrapers = Executors.newFixedThreadPool(20);
    List<Future<ScanState>> scrapes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      scrapes.add(scrapers.submit(scans::current));
    }
    for (Future<ScanState> scrape : scrapes) {
      // The last complete state, while the hanging scan goes on.
      ScanState answer = scrape.get(5, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(answer.scans()).isEqualTo(1);
      assertThat(answer.latest()).isPresent();
    }
    scrapers.shutdown();
    assertThat(hanging.stuck()).isEqualTo(1);

    hanging.release();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (scans.current().scans() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(scans.current().scans()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aScrapeAfterAFinishedScanStartsANewOne() {
    tree.repo("app").tag("v1", image(tree.layer(10)));
    OnDemandScans scans =
        new OnDemandScans(new Scanner(tree.layout(), new NioTreeReader(), Scans.CLOCK, p -> {}));
    // Asked again the moment the previous scan returned: each ask is a scan of its own, never the
    // previous scan's state handed out twice (the scan thread once cleared its slot only after
    // waking the waiting scrape, a window the next ask could fall into).
    for (int i = 1; i <= 300; i++) {
      assertThat(scans.current().scans()).isEqualTo(i);
    }
  }
}
