package dev.regscope.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.model.BrokenTag;
import dev.regscope.model.PlatformStats;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.ScanProblem;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.testing.Artifact;
import dev.regscope.testing.Blob;
import dev.regscope.testing.Image;
import dev.regscope.testing.ImageFactory;
import dev.regscope.testing.Index;
import dev.regscope.testing.Platform;
import dev.regscope.testing.PlatformTruth;
import dev.regscope.testing.RegistryClient;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.RegistryTruth;
import dev.regscope.testing.TagTruth;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real registry takes more than a thousand pushes, retags and deletes over its HTTP API while
 * regscope scans its storage back to back (far more often than once a second). No scan may count a
 * broken tag or any problem: every write is one the registry served a moment later. Afterwards
 * every tag agrees with the registry's own answers.
 */
@Timeout(900)
class LiveWritesTest {
  private static final int WRITERS = 4;
  private static final int OPERATIONS_PER_WRITER = 300;
  private static final int REPOSITORIES_PER_WRITER = 3;

  /** What the writers did, by kind. */
  private final AtomicInteger pushes = new AtomicInteger();

  private final AtomicInteger retags = new AtomicInteger();
  private final AtomicInteger deletes = new AtomicInteger();

  @Test
  void pushesRetagsAndDeletesWhileScanningRaiseNoFalseAlarmAndEndInAgreement(@TempDir Path dir)
      throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir)) {
      RegistryClient client = registry.client();
      // The storage root is empty until the first push: scans start on an empty registry.
      StorageLayout layout = StorageLayout.locate(registry.storageRoot());
      Queue<String> falseAlarms = new ConcurrentLinkedQueue<>();
      Scanner scanner =
          new Scanner(
              layout,
              new NioTreeReader(layout.root()),
              Clock.systemUTC(),
              problem -> falseAlarms.add("logged: " + problem),
              16,
              RepositoryFilter.ALL);

      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicLong scans = new AtomicLong();
      AtomicLong failedScans = new AtomicLong();
      Thread scanning =
          new Thread(
              () -> {
                while (writing.get()) {
                  try {
                    Snapshot snapshot = scanner.scan();
                    scans.incrementAndGet();
                    for (ScanProblem problem : snapshot.problems()) {
                      falseAlarms.add("problem: " + problem);
                    }
                    for (RepositoryStats repository : snapshot.repositories()) {
                      for (BrokenTag tag : repository.brokenTags()) {
                        falseAlarms.add("broken tag: " + repository.name() + ":" + tag);
                      }
                    }
                  } catch (Exception e) {
                    failedScans.incrementAndGet();
                    falseAlarms.add("failed scan: " + e);
                  }
                }
              },
              "live-scans");
      scanning.start();

      ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
      List<Future<?>> done = new ArrayList<>();
      for (int writer = 0; writer < WRITERS; writer++) {
        int id = writer;
        done.add(writers.submit(() -> write(client, id)));
      }
      for (Future<?> writer : done) {
        writer.get();
      }
      writers.shutdown();
      writing.set(false);
      scanning.join();

      System.out.printf(
          "[live] %d pushes, %d retags, %d deletes during %d scans; %d tag links read again%n",
          pushes.get(), retags.get(), deletes.get(), scans.get(), scanner.linksReadAgain());
      assertThat(pushes.get() + retags.get() + deletes.get()).isGreaterThanOrEqualTo(1000);
      assertThat(retags.get()).isGreaterThan(100);
      assertThat(deletes.get()).isGreaterThan(50);
      assertThat(scans.get()).isGreaterThanOrEqualTo(20);
      assertThat(falseAlarms).isEmpty();
      assertThat(failedScans.get()).isZero();

      RegistryTruth truth = RegistryTruth.read(client);
      assertThat(mismatches(scanner.scan(), truth)).isEmpty();
      Scanner fresh =
          new Scanner(layout, new NioTreeReader(layout.root()), Clock.systemUTC(), p -> {});
      assertThat(mismatches(fresh.scan(), truth)).isEmpty();
    }
  }

  /** One writer: its own repositories, a random mix of pushes, retags and deletes. */
  private void write(RegistryClient client, int writer) {
    Random random = new Random(1100 + writer);
    ImageFactory images = new ImageFactory(random);
    Blob base = images.layer(4096);
    Map<String, Map<String, Artifact>> tags = new HashMap<>();
    Map<String, List<Artifact>> live = new HashMap<>();
    for (int op = 0; op < OPERATIONS_PER_WRITER; op++) {
      String repo = "live/w" + writer + "/r" + random.nextInt(REPOSITORIES_PER_WRITER);
      Map<String, Artifact> repoTags = tags.computeIfAbsent(repo, r -> new TreeMap<>());
      List<Artifact> repoLive = live.computeIfAbsent(repo, r -> new ArrayList<>());
      double choice = random.nextDouble();
      if (repoTags.isEmpty() || choice < 0.45) {
        Artifact artifact =
            random.nextInt(10) == 0
                ? images.ociIndex(
                    Index.Child.of(image(images, base, random, Platform.of("linux/amd64"))),
                    Index.Child.of(image(images, base, random, Platform.of("linux/arm64/v8"))))
                : image(images, base, random, Platform.of("linux/amd64"));
        String tag = random.nextBoolean() || repoTags.isEmpty() ? "t" + op : any(repoTags, random);
        artifact.push(client, repo, tag);
        repoTags.put(tag, artifact);
        repoLive.add(artifact);
        pushes.incrementAndGet();
      } else if (choice < 0.85 && repoLive.size() > 1) {
        String tag = any(repoTags, random);
        Artifact target = repoLive.get(random.nextInt(repoLive.size()));
        client.putManifest(repo, tag, target.manifest());
        repoTags.put(tag, target);
        retags.incrementAndGet();
      } else {
        Artifact doomed = repoTags.get(any(repoTags, random));
        client.deleteManifest(repo, doomed.digest());
        repoTags.values().removeIf(artifact -> artifact.digest().equals(doomed.digest()));
        repoLive.removeIf(artifact -> artifact.digest().equals(doomed.digest()));
        deletes.incrementAndGet();
      }
    }
  }

  private static Image image(ImageFactory images, Blob base, Random random, Platform platform) {
    return images.ociImage(platform, base, images.layer(50 + random.nextInt(2000)));
  }

  private static String any(Map<String, Artifact> tags, Random random) {
    List<String> names = new ArrayList<>(tags.keySet());
    return names.get(random.nextInt(names.size()));
  }

  /** Every way the snapshot differs from the registry's answers, one line each. */
  private static List<String> mismatches(Snapshot snapshot, RegistryTruth truth) {
    List<String> found = new ArrayList<>();
    Map<String, RepositoryStats> scanned = new TreeMap<>();
    snapshot.repositories().forEach(r -> scanned.put(r.name(), r));
    if (!scanned.keySet().equals(truth.repositories().keySet())) {
      found.add("repositories " + scanned.keySet() + " vs " + truth.repositories().keySet());
    }
    truth
        .repositories()
        .forEach(
            (name, expectedTags) -> {
              RepositoryStats repository = scanned.get(name);
              if (repository == null) {
                return;
              }
              if (!repository.brokenTags().isEmpty()) {
                found.add(name + " broken " + repository.brokenTags());
              }
              Map<String, TagStats> tags = new TreeMap<>();
              repository.tags().forEach(t -> tags.put(t.name(), t));
              if (!tags.keySet().equals(expectedTags.keySet())) {
                found.add(name + " tags " + tags.keySet() + " vs " + expectedTags.keySet());
              }
              expectedTags.forEach(
                  (tag, expected) -> {
                    TagStats actual = tags.get(tag);
                    if (actual != null && !agrees(actual, expected)) {
                      found.add(name + ":" + tag + " " + actual + " vs " + expected);
                    }
                  });
            });
    return found;
  }

  private static boolean agrees(TagStats actual, TagTruth expected) {
    return actual.digest().toString().equals(expected.digest())
        && actual.mediaType().equals(expected.mediaType())
        && actual.layers() == expected.layers()
        && actual.sizeBytes() == expected.sizeBytes()
        && actual.platforms().equals(byPlatform(expected.platforms()));
  }

  private static List<PlatformStats> byPlatform(List<PlatformTruth> children) {
    Map<String, long[]> sums = new TreeMap<>();
    for (PlatformTruth child : children) {
      long[] sum = sums.computeIfAbsent(child.platform(), p -> new long[2]);
      sum[0] += child.layers();
      sum[1] += child.sizeBytes();
    }
    List<PlatformStats> platforms = new ArrayList<>();
    sums.forEach((platform, sum) -> platforms.add(new PlatformStats(platform, sum[0], sum[1])));
    return platforms;
  }
}
