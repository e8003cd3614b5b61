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
        String pullSum =
            PromText.series(
                "regscope_probe_duration_seconds_sum",
                "target",
                target.label(),
                "type",
                "pull",
                "result",
                "success");
        List<String> curl = curlCommand(registry);
        double[] pulls = new double[cycles];
        double[] curls = new double[cycles];
        long cpu = 0;
        long allocated = 0;
        long wall = 0;
        for (int i = 0; i < cycles; i++) {
          double pulledBefore = metrics(probes).get(pullSum);
          long cpuBefore = os.getProcessCpuTime();
          long allocatedBefore = allocated(threads);
          long wallBefore = System.nanoTime();
          probes.runCycle();
          wall += System.nanoTime() - wallBefore;
          cpu += os.getProcessCpuTime() - cpuBefore;
          allocated += allocated(threads) - allocatedBefore;
          pulls[i] = metrics(probes).get(pullSum) - pulledBefore;
          curls[i] = curl(curl); // right after, under the same load
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        double heapMb = memory.getHeapMemoryUsage().getUsed() / 1048576.0;
        Arrays.sort(pulls);
        Arrays.sort(curls);
        double hashing = sha256Seconds(pushSize);

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
            wall / 1e9 / cycles,
            cpu / 1e9 / cycles,
            allocated / 1048576.0 / cycles,
            heapMb);
        System.out.println();
        System.out.println("| pull of the same manifest and blobs | median s | min s | max s |");
        System.out.println("|---|---|---|---|");
        System.out.printf(
            Locale.ROOT,
            "| regscope pull test (manifest, then every blob digest-checked as it streams) | %.4f | %.4f | %.4f |%n",
            pulls[cycles / 2],
            pulls[0],
            pulls[cycles - 1]);
        System.out.printf(
            Locale.ROOT,
            "| curl after each cycle, one process, one connection, bodies to /dev/null | %.4f | %.4f | %.4f |%n",
            curls[cycles / 2],
            curls[0],
            curls[cycles - 1]);
        System.out.printf(
            Locale.ROOT,
            "pull test / curl, medians: %.2f; SHA-256 of the same %.1f MiB in this JVM: %.4f s%n",
            pulls[cycles / 2] / curls[cycles / 2],
            pushSize / 1048576.0,
            hashing);
      }
    } finally {
      BenchFiles.deleteTree(dir); // the registry's storage, in /tmp
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

  /** curl fetching the :pull manifest and its blobs in order, as the pull test does. */
  private static List<String> curlCommand(RegistryProcess registry) throws Exception {
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
    List<Descriptor> blobs = new ArrayList<>();
    image.config().ifPresent(blobs::add);
    blobs.addAll(image.layers());
    for (Descriptor blob : blobs) {
      command.add("-o");
      command.add("/dev/null");
      command.add(base + "v2/" + REPO + "/blobs/" + blob.digest());
    }
    return command;
  }

  /** Wall seconds of one curl process, start to exit. */
  private static double curl(List<String> command) throws Exception {
    long start = System.nanoTime();
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    curl.getInputStream().readAllBytes();
    if (curl.waitFor() != 0) {
      throw new IllegalStateException("curl failed: " + command);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** The best of five SHA-256 runs over {@code size} bytes: the pull test's floor beyond I/O. */
  private static double sha256Seconds(long size) throws Exception {
    byte[] block = new byte[1 << 16];
    double best = Double.MAX_VALUE;
    for (int run = 0; run < 5; run++) {
      java.security.MessageDigest hasher = java.security.MessageDigest.getInstance("SHA-256");
      long start = System.nanoTime();
      for (long done = 0; done < size; done += block.length) {
        hasher.update(block, 0, (int) Math.min(block.length, size - done));
      }
      hasher.digest();
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
    }
    return best;
  }
}
