package dev.regscope.scan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How many threads the next scan gets, from how the last one spent its time. */
class ThreadPacingTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void theFirstScanUsesEveryThreadForAColdCache() {
    assertThat(new ThreadPacing(16, 2).threadsForScan(-1)).isEqualTo(16);
  }

  @Test
  void aScanThatKeptTheCoresBusyIsFollowedByOneThreadPerCore() {
    ThreadPacing pacing = new ThreadPacing(16, 2);
    pacing.record(SECOND, 2 * SECOND * 9 / 10, 16); // 90% of two cores

    assertThat(pacing.threadsForScan(-1)).isEqualTo(2);
  }

  @Test
  void aScanThatWaitedOnStorageGetsEveryThreadAgain() {
    ThreadPacing pacing = new ThreadPacing(16, 2);
    pacing.record(SECOND, 2 * SECOND, 2);
    pacing.record(10 * SECOND, SECOND, 2); // 5% busy: reads were waiting

    assertThat(pacing.threadsForScan(-1)).isEqualTo(16);
  }

  @Test
  void neverMoreThanAskedForAndAllWhenCpuTimeIsUnknown() {
    ThreadPacing one = new ThreadPacing(1, 8);
    one.record(SECOND, 8 * SECOND, 1);
    assertThat(one.threadsForScan(-1)).isEqualTo(1);

    ThreadPacing unknown = new ThreadPacing(16, 2);
    unknown.record(SECOND, -1, 16);
    assertThat(unknown.threadsForScan(-1)).isEqualTo(16);
  }

  @Test
  void theFirstScanGoesByHowFastTheFirstStatsWere() {
    assertThat(new ThreadPacing(16, 2).threadsForScan(2_000))
        .isEqualTo(2); // memory answers: one per core
    assertThat(new ThreadPacing(16, 2).threadsForScan(400_000))
        .isEqualTo(16); // storage answers: all of them
    assertThat(new ThreadPacing(16, 2).threadsForScan(-1)).isEqualTo(16); // nothing measured

    ThreadPacing later = new ThreadPacing(16, 2);
    later.record(10 * SECOND, SECOND, 2); // the first scan waited on storage
    assertThat(later.threadsForScan(2_000))
        .isEqualTo(16); // from then on, scans learn from the last one
  }
}
