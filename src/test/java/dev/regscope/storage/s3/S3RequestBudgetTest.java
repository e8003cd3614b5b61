package dev.regscope.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.model.Snapshot;
import dev.regscope.scan.Scanner;
import dev.regscope.testing.Image;
import dev.regscope.testing.ImageFactory;
import dev.regscope.testing.Index;
import dev.regscope.testing.Platform;
import dev.regscope.testing.RegistryClient;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.S3FaultProxy;
import dev.regscope.testing.S3ProxyProcess;
import dev.regscope.testing.Scans;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What scanning a bucket costs, counted at the S3 server's door (a relay in front of S3Proxy that
 * counts every request by operation): a first scan reads each tag link and each distinct manifest
 * once; a rescan with nothing changed reads nothing, only lists; after re-pushing one tag, it reads
 * that tag's link and the new manifest. The registry writes the bucket with its own {@code s3}
 * driver, pushing every blob monolithically (POST, then one PUT), which works against S3Proxy; its
 * chunked resume path (PATCH) panics there (s3.go:591) and is not used.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class S3RequestBudgetTest {
  private static final String ROOT = "budget";
  private static final Platform AMD64 = Platform.of("linux/amd64");
  private static final Platform ARM64 = Platform.of("linux/arm64/v8");

  @Test
  void getsFollowChangeAndAnUnchangedRescanOnlyLists(@TempDir Path dir) throws Exception {
    try (S3ProxyProcess s3 = S3ProxyProcess.start(dir.resolve("s3"), S3Registries.BUCKET);
        RegistryProcess registry = S3Registries.onBucket(dir.resolve("registry"), s3, ROOT);
        S3FaultProxy door = S3FaultProxy.start(s3.endpoint())) {
      RegistryClient client = registry.client();
      ImageFactory images = new ImageFactory(new Random(17));
      Set<String> manifests = new TreeSet<>();
      Image one = images.dockerImage(AMD64, images.layer(), images.layer());
      one.push(client, "budget/a", "1");
      one.push(client, "budget/a", "2");
      Image two = images.ociImage(AMD64, images.layer());
      two.push(client, "budget/a", "3");
      Image amd = images.ociImage(AMD64, images.layer());
      Image arm = images.ociImage(ARM64, images.layer());
      Index index = images.ociIndex(Index.Child.of(amd), Index.Child.of(arm));
      index.push(client, "budget/b", "multi");
      Image untagged = images.ociImage(AMD64, images.layer());
      untagged.pushByDigest(client, "budget/b");
      for (var artifact :
          new dev.regscope.testing.Artifact[] {one, two, amd, arm, index, untagged}) {
        manifests.add(artifact.digest());
      }
      int tags = 0;
      for (String repository : client.catalog()) {
        tags += client.tags(repository).size();
      }
      assertThat(tags).isEqualTo(4);

      S3Requests requests = new S3Requests();
      Scanner scanner =
          S3Registries.scanner(
              S3Registries.client(door.endpoint(), requests), ROOT, requests, p -> {});

      Snapshot first = scanner.scan();
      assertThat(first.problems()).isEmpty();
      assertThat(first.tagCount()).isEqualTo(tags);
      // One GET per tag link, one per distinct manifest (tagged, index children, untagged).
      assertThat(door.count("GetObject")).isEqualTo(tags + manifests.size());
      long lists = door.count("ListObjectsV2");
      assertThat(lists).isPositive();
      assertThat(door.requests())
          .allMatch(
              r -> r.operation().equals("GetObject") || r.operation().equals("ListObjectsV2"));
      // What the client counted is what arrived.
      assertThat(requests.requests("GetObject")).isEqualTo(door.count("GetObject"));
      assertThat(requests.requests("ListObjectsV2")).isEqualTo(lists);

      door.reset();
      Snapshot again = scanner.scan();
      assertThat(door.count("GetObject")).isZero();
      assertThat(door.count("ListObjectsV2")).isEqualTo(lists);
      assertThat(again.repositories()).isEqualTo(first.repositories());

      Image three = images.ociImage(AMD64, images.layer(), images.layer());
      three.push(client, "budget/a", "3");
      door.reset();
      Snapshot after = scanner.scan();
      // The moved tag's link and the one new manifest; nothing else is read again.
      assertThat(door.requests().stream().filter(r -> r.operation().equals("GetObject")))
          .extracting(S3FaultProxy.Request::key)
          .containsExactlyInAnyOrder(
              ROOT + "/docker/registry/v2/repositories/budget/a/_manifests/tags/3/current/link",
              ROOT + "/docker/registry/v2/blobs/" + blobPath(three.digest()));
      assertThat(Scans.tag(after, "budget/a", "3").digest().toString()).isEqualTo(three.digest());
      assertThat(after.problems()).isEmpty();
    }
  }

  private static String blobPath(String digest) {
    String hex = digest.substring("sha256:".length());
    return "sha256/" + hex.substring(0, 2) + "/" + hex + "/data";
  }
}
