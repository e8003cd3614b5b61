package dev.regscope.scan;

/**
 * Decides how many folders the next scan reads at once. Reads that wait on storage (a cold page cache, network
 * storage) gain from many threads; reads served from memory do not wait, and threads beyond the cores only add
 * switching. So a scan runs with up to {@code maxThreads} while its threads spent their time waiting, and with
 * one per core when they kept the CPUs busy. Pure: fed the last scan's wall and CPU time.
 */
final class ThreadPacing {
  /** Above this share of the usable CPU time, a scan was computing, not waiting. */
  static final double BUSY = 0.7;

  private final int maxThreads;
  private final int cores;
  private int next;

  ThreadPacing(int maxThreads, int cores) {
    this.maxThreads = maxThreads;
    this.cores = Math.max(1, cores);
    this.next = maxThreads; // the first scan usually meets a cold cache
  }

  int threadsForNextScan() {
    return next;
  }

  /**
   * @param wallNanos how long the scan took
   * @param cpuNanos CPU time the process used meanwhile, or negative if unknown
   * @param threads how many threads it ran with
   */
  void record(long wallNanos, long cpuNanos, int threads) {
    if (cpuNanos < 0 || wallNanos <= 0) {
      next = maxThreads;
      return;
    }
    double usable = (double) wallNanos * Math.min(threads, cores);
    next = cpuNanos / usable >= BUSY ? Math.min(maxThreads, cores) : maxThreads;
  }
}
