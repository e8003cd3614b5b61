package dev.regscope.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long a scan may run: fixed, or derived from the slowest of the recent scans. */
class ScanTimeoutTest {
  @Test
  void aFixedTimeoutNeverMoves() {
    ScanTimeout timeout = ScanTimeout.fixed(Duration.ofSeconds(30));
    timeout.completed(Duration.ofMinutes(10));

    assertThat(timeout.next()).isEqualTo(Duration.ofSeconds(30));
    assertThat(timeout.isDerived()).isFalse();
    assertThatThrownBy(() -> ScanTimeout.fixed(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theFirstScanGetsHalfAnHourThenTenTimesTheSlowestRecentScanAtLeastTwoMinutes() {
    ScanTimeout timeout = ScanTimeout.derived();
    assertThat(timeout.next()).isEqualTo(Duration.ofMinutes(30));

    timeout.completed(Duration.ofSeconds(3));
    assertThat(timeout.next()).isEqualTo(Duration.ofMinutes(2));

    timeout.completed(Duration.ofSeconds(40));
    assertThat(timeout.next()).isEqualTo(Duration.ofSeconds(400));

    // The slow scan leaves the window after five faster ones.
    for (int i = 0; i < 4; i++) {
      timeout.completed(Duration.ofSeconds(20));
      assertThat(timeout.next()).isEqualTo(Duration.ofSeconds(400));
    }
    timeout.completed(Duration.ofSeconds(20));
    assertThat(timeout.next()).isEqualTo(Duration.ofSeconds(200));
  }
}
