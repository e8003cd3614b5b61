package dev.regscope.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.testing.Blob;
import dev.regscope.testing.Platform;
import dev.regscope.testing.PostgresProcess;
import dev.regscope.testing.PromText;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shared PostgreSQL store; the registry includes references. Also: the database goes away for a
 * while.
 */
@Timeout(300)
class PostgresRealRegistryEventsTest extends RealRegistryEventsContract {
  @TempDir static Path pgDir;
  static PostgresProcess postgres;

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresProcess.start(pgDir, false);
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  String database() {
    return postgres.newDatabase();
  }

  @Override
  boolean includeReferences() {
    return true;
  }

  @Test
  void withTheDatabaseStoppedForAWhileTheRetriesDeliverEverythingOnce() throws Exception {
    Blob base = images.layer(500);
    for (int i = 0; i < 24; i++) {
      if (i == 8) {
        postgres.stopServer(); // regscope answers 503; the registry keeps the events and retries
      }
      if (i == 14) {
        // Under load the registry may not have tried a delivery yet: the fault must hit one.
        awaitFailedDelivery();
        postgres.startServer();
      }
      push(
          "down/app",
          images.ociImage(new Platform("linux", "amd64", null), base, images.layer(100 + i)),
          "t" + i);
    }
    awaitEverythingStored();
    assertExactlyTheRecordedEvents();
    assertDeliveriesFailedAndWereRetried();
    assertThat(scrape().get(PromText.series("regscope_events_store_errors_total")))
        .isGreaterThan(0.0);
  }

  private void awaitFailedDelivery() throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.readString(registry.logFile()).contains("retryingsink: error writing events")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the registry never failed a delivery to the stopped store");
      }
      Thread.sleep(100);
    }
  }
}
