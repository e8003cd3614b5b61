package dev.regscope.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Memory of {@code regscope serve} in its own JVM after several rescans: resident set, G1's
 * committed and used heap, and the live set after a full collection, with the heap trim on and off.
 * Plain means no JVM flags at all, as {@code java -jar regscope.jar serve} runs.
 *
 * <p>{@code --tags=10000,100000 --rescans=5 --interval=10s --dir=target/bench
 * --jvm=plain|-XX:MaxRAM=384m ...} (several {@code --jvm}, each a space-separated flag list or
 * {@code plain}).
 */
public final class ServeMemoryBenchmark {
  private ServeMemoryBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<Integer> tags = new ArrayList<>();
    int rescans = 5;
    String interval = "10s";
    Path dir = Path.of("target/bench");
    List<String> jvms = new ArrayList<>();
    for (String arg : args) {
      String value = arg.substring(arg.indexOf('=') + 1);
      if (arg.startsWith("--tags=")) {
        Arrays.stream(value.split(",")).map(Integer::parseInt).forEach(tags::add);
      } else if (arg.startsWith("--rescans=")) {
        rescans = Integer.parseInt(value);
      } else if (arg.startsWith("--interval=")) {
        interval = value;
      } else if (arg.startsWith("--dir=")) {
        dir = Path.of(value);
      } else if (arg.startsWith("--jvm=")) {
        jvms.add(value);
      }
    }
    if (jvms.isEmpty()) {
      jvms.add("plain");
    }
    System.out.printf(
        "serve memory benchmark: %d rescans at --scan-interval %s, --tag-metrics all, measured between"
            + " scans; load %s; host %d MiB, %d cores%n",
        rescans,
        interval,
        ServeJvm.Proc.load(),
        ((com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize()
            >> 20,
        Runtime.getRuntime().availableProcessors());
    System.out.println(
        "| tags | JVM flags | heap trim | RSS after rescans (MiB) | heap committed / used (MiB) |"
            + " live after full GC (MiB) | RSS after that GC (MiB) |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (int n : tags) {
      Path tree = Trees.sample(dir, n);
      for (String jvm : jvms) {
        for (boolean trim : new boolean[] {false, true}) {
          List<String> flags = new ArrayList<>();
          if (!jvm.equals("plain")) {
            flags.addAll(List.of(jvm.split(" ")));
          }
          if (!trim) {
            flags.add("-Dregscope.heap-trim=off");
          }
          System.out.println(measure(n, tree, dir, jvm, trim, flags, rescans, interval));
        }
      }
    }
    System.out.printf("load at the end: %s%n", ServeJvm.Proc.load());
  }

  private static String measure(
      int n,
      Path tree,
      Path dir,
      String jvm,
      boolean trim,
      List<String> flags,
      int rescans,
      String interval)
      throws Exception {
    Path log = dir.resolve("serve-memory-" + n + ".log");
    try (ServeJvm serve =
        ServeJvm.start(
            tree, log, flags, List.of("--scan-interval", interval, "--tag-metrics", "all"))) {
      // Read at once after a scan ends, before the next one starts.
      serve.awaitScans(1 + rescans, Duration.ofMinutes(30));
      long rss = serve.rss();
      long[] heap = serve.heap();
      serve.jcmd("GC.run");
      long live = serve.heap()[1];
      long rssAfter = serve.rss();
      return String.format(
          "| %,d | %s | %s | %d | %d / %d | %d | %d |",
          n,
          jvm,
          trim ? "on" : "off",
          rss >> 20,
          heap[0] >> 20,
          heap[1] >> 20,
          live >> 20,
          rssAfter >> 20);
    } catch (IllegalStateException e) {
      return String.format(
          "| %,d | %s | %s | failed: %s (log %s) | | | |",
          n, jvm, trim ? "on" : "off", e.getMessage(), log);
    }
  }
}
