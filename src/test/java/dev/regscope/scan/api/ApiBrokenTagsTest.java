package dev.regscope.scan.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.model.BrokenTag;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.RegistryAddress;
import dev.regscope.testing.ImageFactory;
import dev.regscope.testing.Index;
import dev.regscope.testing.MediaTypes;
import dev.regscope.testing.Platform;
import dev.regscope.testing.RegistryClient;
import dev.regscope.testing.RegistryHttpException;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.Scans;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tag whose index names a child the registry no longer serves (deleted by digest, as 2.8's {@code
 * garbage-collect --delete-untagged} also does to index children) is broken over the API: no layers
 * or size, counted in regscope_broken_tags as missing_manifest, and the problem names its API path;
 * the tags beside it are counted as usual.
 */
@Timeout(120)
class ApiBrokenTagsTest {
  @TempDir Path dir;

  @Test
  void anIndexWhoseChildIsNotServedIsABrokenTag() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir)) {
      RegistryClient client = registry.client();
      ImageFactory images = new ImageFactory(new Random(5));
      var amd64 = images.ociImage(Platform.of("linux/amd64"), images.layer(300));
      var arm64 = images.ociImage(Platform.of("linux/arm64/v8"), images.layer(400));
      Index index = images.ociIndex(Index.Child.of(amd64), Index.Child.of(arm64));
      index.push(client, "multi/app", "v1");
      images.ociImage(Platform.of("linux/amd64"), images.layer(50)).push(client, "multi/app", "v2");
      client.deleteManifest("multi/app", arm64.digest());
      // The registry's own answer: the child is gone, the index still names it.
      assertThatThrownBy(() -> client.getManifest("multi/app", arm64.digest()))
          .isInstanceOfSatisfying(
              RegistryHttpException.class, e -> assertThat(e.status()).isEqualTo(404));
      assertThat(client.getManifest("multi/app", "v1").digest()).isEqualTo(index.digest());

      List<String> logged = new java.util.ArrayList<>();
      try (ApiScanner api =
          ApiScanner.create(
              RegistryAddress.parse(registry.baseUri().toString()),
              ClientSettings.defaults(),
              ApiScanSettings.defaults(),
              Scans.CLOCK,
              problem -> logged.add(problem.toString()))) {
        Snapshot snapshot = api.scan();
        RepositoryStats repository = snapshot.repositories().get(0);
        // The digest and media type of what the tag names, as the registry's HEAD says.
        assertThat(repository.brokenTags())
            .containsExactly(
                new BrokenTag(
                    "v1",
                    Damage.MISSING_MANIFEST,
                    Digest.parse(index.digest()),
                    MediaTypes.OCI_INDEX));
        assertThat(repository.tags()).extracting(TagStats::name).containsExactly("v2");
        // The registry's state, as a missing revision is on storage: not a damaged file.
        assertThat(snapshot.problems()).isEmpty();
        assertThat(logged).isEmpty();

        // Still broken on the next scan: the child is asked again (it may come back).
        Snapshot again = api.scan();
        assertThat(again.repositories().get(0).brokenTags()).hasSize(1);
      }
    }
  }
}
