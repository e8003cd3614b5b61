package dev.regscope.scan;

import java.lang.management.ManagementFactory;

/** CPU time used by this process so far, where the JVM reports it. */
final class ProcessCpu {
  private ProcessCpu() {}

  /** Nanoseconds of CPU time, or -1 if unknown. */
  static long nanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }
}
