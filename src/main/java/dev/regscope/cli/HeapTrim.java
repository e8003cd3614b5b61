package dev.regscope.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import dev.regscope.model.ScanState;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code serve}'s heap near its live set: a plain {@code java -jar} sizes the heap to a
 * quarter of the host, and each rescan's garbage lets G1 grow it there and keep it. After a scan,
 * when the committed heap is far above the live set last measured, a full collection lets G1 hand
 * the free part back to the system. {@code -Dregscope.heap-trim=off} turns this off.
 */
final class HeapTrim implements Consumer<ScanState> {
  private static final Logger LOG = LoggerFactory.getLogger("dev.regscope.memory");
  private static final long SLACK = 64L << 20;

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private long live = -1;

  /** A trim for {@code serve}, or nothing when {@code -Dregscope.heap-trim=off}. */
  static Consumer<ScanState> forServe() {
    if ("off".equals(System.getProperty("regscope.heap-trim"))) {
      return state -> {};
    }
    freeRatios();
    return new HeapTrim();
  }

  /**
   * Lowers how much free heap G1 keeps after a full collection (by default up to 70%, so a heap of
   * three times the live set), unless the command line set it: both flags can be changed at run
   * time.
   */
  private static void freeRatios() {
    try {
      HotSpotDiagnosticMXBean vm =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      VMOption max = vm.getVMOption("MaxHeapFreeRatio");
      VMOption min = vm.getVMOption("MinHeapFreeRatio");
      if (max.getOrigin() == VMOption.Origin.DEFAULT
          && min.getOrigin() == VMOption.Origin.DEFAULT) {
        vm.setVMOption("MinHeapFreeRatio", "10");
        vm.setVMOption("MaxHeapFreeRatio", "30");
      }
    } catch (RuntimeException e) {
      // Another JVM than HotSpot: the trim after each scan still works as far as its GC allows.
      LOG.debug("cannot set the heap free ratios", e);
    }
  }

  @Override
  public void accept(ScanState state) {
    MemoryUsage heap = memory.getHeapMemoryUsage();
    if (live >= 0 && heap.getCommitted() <= 2 * live + SLACK) {
      return;
    }
    long committed = heap.getCommitted();
    System.gc();
    MemoryUsage after = memory.getHeapMemoryUsage();
    live = after.getUsed();
    LOG.debug(
        "heap after scan: {} MiB committed, {} MiB live; now {} MiB committed",
        committed >> 20,
        live >> 20,
        after.getCommitted() >> 20);
  }
}
