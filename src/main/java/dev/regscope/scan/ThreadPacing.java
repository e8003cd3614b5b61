package dev.regscope.scan;

/**
 * Decides how many folders the next scan reads at once. Reads that wait on storage (a cold page
 * cache, network storage) gain from many threads; reads served from memory do not wait, and threads
 * beyond the cores only add switching. So a scan runs with up to {@code maxThreads} while its
 * threads spent their time waiting, and with one per core when they kept the CPUs busy. Pure: fed
 * the last scan's wall and CPU time.
 */
final class ThreadPacing {
  /** Above this share of the usable CPU time, a scan was computing, not waiting. */
  static final double BUSY = 0.7;

  private final int maxThreads;
  private final int cores;

  /**
   * A stat slower than this on average means storage, not memory, answers: a cold cache or a
   * network.
   */
  static final long SLOW_STAT_NANOS = 50_000;

  private int next;
  private boolean first = true;

  ThreadPacing(int maxThreads, int cores) {
    this.maxThreads = maxThreads;
    this.cores = Math.max(1, cores);
    this.next = maxThreads; // the first scan usually meets a cold cache
  }

  /**
   * How many threads the next scan uses. Before the first scan there is no last scan to learn from:
   * the time the scan's first few stats took (the blob store's prefix folders) tells whether
   * storage or memory answers.
   *
   * @param statNanos average time of one stat just now, or negative if none was made
   */
  int threadsForScan(long statNanos) {
    if (first && statNanos >= 0) {
      return statNanos >= SLOW_STAT_NANOS ? maxThreads : Math.min(maxThreads, cores);
    }
    return next;
  }

  /**
   * @param wallNanos how long the scan took
   * @param cpuNanos CPU time the process used meanwhile, or negative if unknown
   * @param threads how many threads it ran with
   */
  void record(long wallNanos, long cpuNanos, int threads) {
    first = false;
    if (cpuNanos < 0 || wallNanos <= 0) {
      next = maxThreads;
      return;
    }
    double usable = (double) wallNanos * Math.min(threads, cores);
    next = cpuNanos / usable >= BUSY ? Math.min(maxThreads, cores) : maxThreads;
  }
}
