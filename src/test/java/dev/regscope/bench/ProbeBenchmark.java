package dev.regscope.bench;

import dev.regscope.manifest.Descriptor;
import dev.regscope.manifest.ManifestParser;
import dev.regscope.manifest.ManifestSummary;
import dev.regscope.probe.ProbeSettings;
import dev.regscope.probe.ProbeTarget;
import dev.regscope.probe.Probes;
import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.RegistryAddress;
import dev.regscope.registry.RepositoryUrl;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryProcess;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The probes' cost and the pull test's fidelity, against a local registry 2.8: CPU seconds and
 * bytes allocated per cycle (all four tests and cleanup, at the default 10 MiB push size), heap
 * kept after the cycles; then the pull test's duration beside {@code curl} fetching the same
 * manifest and blobs over one connection on the same machine. Prints a table; asserts nothing.
 *
 * <p>Run: {@code mvn -B -ntp -Pbench verify -DskipTests -Dbench.probe.cycles=20}, or alone: {@code
 * java -cp ... dev.regscope.bench.ProbeBenchmark --cycles=20 --push-size=10485760}.
 */
public final class ProbeBenchmark {
  private static final String REPO = "bench/probe";

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new TreeMap<>();
    for (String arg : args) {
      String[] kv = arg.replaceFirst("^--", "").split("=", 2);
      options.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    int cycles = Integer.parseInt(options.getOrDefault("cycles", "20"));
    long pushSize = Long.parseLong(options.getOrDefault("push-size", String.valueOf(10L << 20)));
    Path dir = Files.createTempDirectory("regscope-probe-bench");
    try (RegistryProcess registry = RegistryProcess.start(dir)) {
      ProbeTarget target = new ProbeTarget(RepositoryUrl.parse(registry.baseUri() + REPO));
      ProbeSettings settings =
          new ProbeSettings(
              Duration.ofHours(1),
              Duration.ofSeconds(35),
              1,
              Duration.ofSeconds(1),
              pushSize,
              "bench");
      try (Probes probes =
          Probes.create(List.of(target), settings, ClientSettings.defaults(), Clock.systemUTC())) {
        for (int i = 0; i < 3; i++) {
          probes.runCycle(); // warm-up: the JIT, and :pull pushed once
        }
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<String, Double> before = metrics(probes);
        long cpuBefore = os.getProcessCpuTime();
        long allocatedBefore = allocated(threads);
        long wallBefore = System.nanoTime();
        for (int i = 0; i < cycles; i++) {
          probes.runCycle();
        }
        double wall = (System.nanoTime() - wallBefore) / 1e9 / cycles;
        double cpu = (os.getProcessCpuTime() - cpuBefore) / 1e9 / cycles;
        double allocatedMb = (allocated(threads) - allocatedBefore) / 1048576.0 / cycles;
        Map<String, Double> after = metrics(probes);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        double heapMb = memory.getHeapMemoryUsage().getUsed() / 1048576.0;

        String pullKey =
            PromText.series(
                "regscope_probe_duration_seconds_sum",
                "target",
                target.label(),
                "type",
                "pull",
                "result",
                "success");
        String pullCount =
            PromText.series(
                "regscope_probe_duration_seconds_count",
                "target",
                target.label(),
                "type",
                "pull",
                "result",
                "success");
        double pulls = after.get(pullCount) - before.get(pullCount);
        double probePull = (after.get(pullKey) - before.get(pullKey)) / pulls;
        double[] curl = curlPulls(registry, cycles);

        System.out.println();
        System.out.printf(
            Locale.ROOT,
            "probe cycles: %d at push size %.1f MiB (two layers; the :pull image the same size), registry 2.8 on 127.0.0.1, %d cores, load %.2f%n",
            cycles,
            pushSize / 1048576.0,
            Runtime.getRuntime().availableProcessors(),
            os.getSystemLoadAverage());
        System.out.println(
            "| per cycle (4 tests + cleanup) | wall s | CPU s | allocated MiB | heap after GC MiB |");
        System.out.println("|---|---|---|---|---|");
        System.out.printf(
            Locale.ROOT,
            "| regscope probe | %.3f | %.3f | %.1f | %.1f |%n",
            wall,
            cpu,
            allocatedMb,
            heapMb);
        System.out.println();
        System.out.println("| pull of the same manifest and blobs | median s | min s | max s |");
        System.out.println("|---|---|---|---|");
        System.out.printf(
            Locale.ROOT,
            "| regscope pull test (every blob digest-checked while it streams) | %.4f (mean) | | |%n",
            probePull);
        System.out.printf(
            Locale.ROOT,
            "| curl, one process, one connection, bodies to /dev/null | %.4f | %.4f | %.4f |%n",
            curl[curl.length / 2],
            curl[0],
            curl[curl.length - 1]);
        System.out.printf(
            Locale.ROOT, "pull test / curl median: %.2f%n", probePull / curl[curl.length / 2]);
      }
    }
  }

  private static Map<String, Double> metrics(Probes probes) throws Exception {
    try (InputStream in = probes.exposition().open(false)) {
      return PromText.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** Bytes allocated so far by the live threads (the cycle's thread and the HTTP client's). */
  private static long allocated(com.sun.management.ThreadMXBean threads) {
    long total = 0;
    for (long n : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      total += Math.max(0, n);
    }
    return total;
  }

  /** curl fetching the :pull manifest and its blobs, as the pull test does, {@code runs} times. */
  private static double[] curlPulls(RegistryProcess registry, int runs) throws Exception {
    DistributionClient client =
        DistributionClient.create(
            RegistryAddress.parse(registry.baseUri().toString()), ClientSettings.defaults());
    ManifestSummary image = ManifestParser.parse(client.getManifest(REPO, "pull").bytes());
    List<String> command = new ArrayList<>(List.of("curl", "-s", "-f"));
    String base = registry.baseUri().toString();
    command.addAll(
        List.of(
            "-H",
            "Accept: application/vnd.oci.image.manifest.v1+json",
            "-o",
            "/dev/null",
            base + "v2/" + REPO + "/manifests/pull"));
    List<Descriptor> blobs = new ArrayList<>(image.layers());
    image.config().ifPresent(blobs::add);
    for (Descriptor blob : blobs) {
      command.add("-o");
      command.add("/dev/null");
      command.add(base + "v2/" + REPO + "/blobs/" + blob.digest());
    }
    double[] seconds = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
      curl.getInputStream().readAllBytes();
      if (curl.waitFor() != 0) {
        throw new IllegalStateException("curl failed: " + command);
      }
      seconds[i] = (System.nanoTime() - start) / 1e9;
    }
    Arrays.sort(seconds);
    return seconds;
  }
}
