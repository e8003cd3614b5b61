package dev.regscope.hygiene;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.model.GcMode;
import dev.regscope.model.Snapshot;
import dev.regscope.model.Withheld;
import dev.regscope.testing.Artifact;
import dev.regscope.testing.GarbageCollector;
import dev.regscope.testing.GarbageCollector.Mode;
import dev.regscope.testing.GarbageCollector.Output;
import dev.regscope.testing.GcReport;
import dev.regscope.testing.HygieneInvariants;
import dev.regscope.testing.Image;
import dev.regscope.testing.ImageFactory;
import dev.regscope.testing.Index;
import dev.regscope.testing.Platform;
import dev.regscope.testing.RegistryClient;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.RegistryPull;
import dev.regscope.testing.Scans;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The invariants of {@link HygieneInvariants} on registries a real 2.8 built from random pushes,
 * retags, deletes by digest, blob unlinks, referrers and uploads over its HTTP API (issue 10, point
 * 3). Beyond the invariants, the truth of each: every tag classified as the registry answers it,
 * and each preview as the collector's dry run gives it, or withheld exactly when that run fails.
 */
@Timeout(240)
class RealRegistryInvariantsTest {
  static final Platform[] PLATFORMS = {
    Platform.of("linux/amd64"), Platform.of("linux/arm64/v8"), Platform.windows("10.0.17763.5576")
  };

  @ParameterizedTest
  @ValueSource(longs = {31, 32, 33, 34})
  void invariantsAndTheRegistrysTruthHoldOnARandomRegistry(long seed, @TempDir Path dir) {
    try (RegistryProcess registry = RegistryProcess.start(dir)) {
      RegistryClient client = registry.client();
      grow(client, new Random(seed));
      Snapshot snapshot = Scans.scan(Scans.scanner(registry));
      String where = "registry of seed " + seed;

      HygieneInvariants.check(snapshot, where);
      assertThat(RegistryPull.classified(snapshot))
          .as(where)
          .isEqualTo(RegistryPull.answers(client, snapshot));

      GarbageCollector collector = GarbageCollector.of(registry);
      Output plainRun = collector.attemptDryRun(registry, Mode.UNREFERENCED);
      Output untaggedRun = collector.attemptDryRun(registry, Mode.UNTAGGED);
      assertThat(snapshot.store().previewed(GcMode.UNREFERENCED))
          .as(where + ": " + plainRun.describe())
          .isEqualTo(plainRun.exitCode() == 0);
      assertThat(snapshot.store().previewed(GcMode.UNTAGGED))
          .as(where + ": " + untaggedRun.describe() + snapshot.store().withheld())
          .isEqualTo(untaggedRun.exitCode() == 0);
      snapshot
          .store()
          .withheld()
          .forEach(w -> assertThat(w.reason()).isEqualTo(Withheld.Reason.COLLECTOR_ABORTS));
      GcReport plain = GcReport.parse(plainRun.stdout());
      assertThat(ForeignLayersTest.strings(snapshot.store().unreferenced().blobs()))
          .as(where)
          .isEqualTo(plain.eligibleBlobs());
      if (untaggedRun.exitCode() == 0) {
        GcReport correct = GcReport.parse(untaggedRun.stdout()).untaggedKeepingIndexChildren(plain);
        assertThat(ForeignLayersTest.strings(snapshot.store().untagged().blobs()))
            .as(where)
            .isEqualTo(correct.eligibleBlobs());
      }
    }
  }

  /** Random operations, the same for the same seed. */
  private static void grow(RegistryClient client, Random random) {
    ImageFactory images = new ImageFactory(random);
    List<String> repos = List.of("inv/a", "inv/b", "inv/c/d");
    List<Artifact> pushed = new ArrayList<>();
    List<String> pushedIn = new ArrayList<>();
    List<Image> children = new ArrayList<>();
    List<String> childrenIn = new ArrayList<>();
    var shared = images.layer(5000);
    for (int o = 0; o < 30; o++) {
      String repo = repos.get(random.nextInt(repos.size()));
      String tag = "t" + random.nextInt(4);
      switch (random.nextInt(9)) {
        case 0, 1 -> {
          Image image = images.ociImage(PLATFORMS[0], shared, images.layer());
          image.push(client, repo, tag);
          pushed.add(image);
          pushedIn.add(repo);
        }
        case 2 -> {
          List<Index.Child> entries = new ArrayList<>();
          for (int c = 0; c < 1 + random.nextInt(3); c++) {
            Image image =
                images.dockerImage(PLATFORMS[random.nextInt(PLATFORMS.length)], images.layer());
            children.add(image);
            childrenIn.add(repo);
            entries.add(new Index.Child(image, image.platform(), java.util.Map.of()));
          }
          Index index = images.ociIndex(entries.toArray(Index.Child[]::new));
          index.push(client, repo, tag);
          pushed.add(index);
          pushedIn.add(repo);
        }
        case 3 -> {
          Image image = images.ociImage(PLATFORMS[1], images.layer());
          image.pushByDigest(client, repo);
          pushed.add(image);
          pushedIn.add(repo);
        }
        case 4 -> {
          if (!pushed.isEmpty()) {
            int i = random.nextInt(pushed.size());
            deleteQuietly(client, pushedIn.remove(i), pushed.remove(i).digest());
          }
        }
        case 5 -> {
          if (!children.isEmpty()) {
            int i = random.nextInt(children.size());
            deleteQuietly(client, childrenIn.remove(i), children.remove(i).digest());
          }
        }
        case 6 -> {
          if (!pushed.isEmpty() && pushed.get(pushed.size() - 1) instanceof Image image) {
            String in = pushedIn.get(pushed.size() - 1);
            String layer = image.layers().get(image.layers().size() - 1).digest();
            if (client.hasBlob(in, layer)) {
              client.deleteBlob(in, layer);
            }
          }
        }
        case 7 -> {
          if (!pushed.isEmpty()) {
            int i = random.nextInt(pushed.size());
            Image signature =
                images.referrer(
                    pushed.get(i),
                    "application/vnd.cncf.notary.signature",
                    "application/jose+json");
            signature.pushByDigest(client, pushedIn.get(i));
            if (random.nextBoolean()) {
              images
                  .referrersIndex(List.of(signature))
                  .push(
                      client,
                      pushedIn.get(i),
                      "sha256-" + pushed.get(i).digest().substring("sha256:".length()));
            }
          }
        }
        default -> {
          client.pushBlob(repo, images.layer());
          client.startUpload(repo, images.layer().bytes());
        }
      }
    }
    if (random.nextBoolean()) {
      // A repository only ever pushed by digest: 2.8's --delete-untagged stops on it.
      images.ociImage(PLATFORMS[0], images.layer()).pushByDigest(client, "inv/by-digest");
    }
  }

  /** A manifest deleted twice, or in a repository it was deleted from, answers 404: no matter. */
  private static void deleteQuietly(RegistryClient client, String repo, String digest) {
    try {
      client.deleteManifest(repo, digest);
    } catch (dev.regscope.testing.RegistryHttpException e) {
      if (e.status() != 404) {
        throw e;
      }
    }
  }
}
