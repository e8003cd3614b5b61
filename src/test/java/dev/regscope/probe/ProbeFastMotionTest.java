package dev.regscope.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.core.Digest;
import dev.regscope.model.Reclaimable;
import dev.regscope.model.Snapshot;
import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.RepositoryUrl;
import dev.regscope.scan.Scanner;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.testing.GarbageCollector;
import dev.regscope.testing.GcReport;
import dev.regscope.testing.RegistryClient;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.Scans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A day of cycles in fast motion (200 and more at 20 ms, on the real schedule): the registry then
 * holds no probe tags but {@code :pull} and this node's two, every replaced push is deleted (the
 * registry's own access log counts the pushes and deletes), and regscope's storage scan says
 * exactly what the registry's garbage collector will reclaim of them.
 */
@Timeout(300)
class ProbeFastMotionTest {
  private static final String REPO = "regscope/probe";
  private static final String NODE = "fast";
  private static final int CYCLES = 200;

  @TempDir Path dir;

  @Test
  void twoHundredCyclesLeaveOnlyTheCurrentTagsAndGarbageTheCollectorAgreesOn() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir)) {
      ProbeTarget target = new ProbeTarget(RepositoryUrl.parse(registry.baseUri() + REPO));
      ProbeSettings settings =
          new ProbeSettings(
              Duration.ofMillis(20), Duration.ofSeconds(10), 3, Duration.ofMillis(50), 2048, NODE);
      Probes probes =
          Probes.create(List.of(target), settings, ClientSettings.defaults(), Clock.systemUTC());
      probes.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
      while (probes.cycles() < CYCLES && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      probes.stop();
      long cycles = probes.cycles();
      assertThat(cycles).isGreaterThanOrEqualTo(CYCLES);

      RegistryClient harness = registry.client();
      assertThat(harness.tags(REPO))
          .containsExactlyInAnyOrder("pull", "push-" + NODE, "metadata-" + NODE);

      // The registry's access log: every push of :push-fast, and the deletes that followed.
      List<String> log = Files.readAllLines(registry.logFile());
      long pushes = count(log, "\"PUT /v2/" + REPO + "/manifests/push-" + NODE + " HTTP/1.1\" 201");
      long manifestDeletes =
          count(log, "\"DELETE /v2/" + REPO + "/manifests/sha256:", "HTTP/1.1\" 202");
      long blobDeletes = count(log, "\"DELETE /v2/" + REPO + "/blobs/sha256:", "HTTP/1.1\" 202");
      assertThat(pushes).isGreaterThanOrEqualTo(cycles);
      // Each cycle's sweep deletes the push it replaced (the last cycle finished before stop).
      assertThat(manifestDeletes).isEqualTo(pushes - 1);
      assertThat(blobDeletes).isEqualTo(3 * manifestDeletes);

      Snapshot scan =
          new Scanner(
                  StorageLayout.locate(registry.storageRoot()),
                  new NioTreeReader(),
                  Scans.CLOCK,
                  p -> {})
              .scan();
      assertThat(scan.problems()).isEmpty();
      // :pull (= :metadata-fast) and the current push, plus at most one not yet swept.
      String pull = harness.headManifest(REPO, "pull");
      String push = harness.headManifest(REPO, "push-" + NODE);
      assertThat(Set.of(pull, push)).hasSize(2);
      assertThat(Scans.repository(scan, REPO).revisions())
          .isBetween(2L, 2L + pushes - 1 - manifestDeletes);

      GarbageCollector collector = GarbageCollector.of(registry);
      GcReport plain = collector.dryRun(registry, GarbageCollector.Mode.UNREFERENCED);
      GcReport untagged = collector.dryRun(registry, GarbageCollector.Mode.UNTAGGED);
      Reclaimable predicted = scan.store().unreferenced();
      assertThat(strings(predicted)).isEqualTo(plain.eligibleBlobs());
      assertThat(predicted.bytes()).isEqualTo(plain.eligibleBytes(registry.storageRoot()));
      // Each deleted push leaves its manifest, config and two layers for the collector.
      assertThat(predicted.blobs()).hasSize((int) (4 * manifestDeletes));
      assertThat(strings(scan.store().untagged()))
          .isEqualTo(untagged.untaggedKeepingIndexChildren(plain).eligibleBlobs());
      // Nothing of the current images is reclaimable.
      assertThat(strings(predicted)).doesNotContain(pull, push);
      probes.close();
      assertThat(harness.tags(REPO)).containsExactly("pull");
    }
  }

  private static long count(List<String> log, String... parts) {
    return log.stream().filter(line -> List.of(parts).stream().allMatch(line::contains)).count();
  }

  private static SortedSet<String> strings(Reclaimable reclaimable) {
    SortedSet<String> digests = new TreeSet<>();
    for (Digest digest : reclaimable.blobs()) {
      digests.add(digest.toString());
    }
    return digests;
  }
}
