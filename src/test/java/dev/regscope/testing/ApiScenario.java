package dev.regscope.testing;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Every manifest kind a registry holds, pushed into a real registry 2.8 (started with {@link
 * Skopeo#REGISTRY_YAML}) over its API: the {@link SampleRegistryScenario} (Docker and OCI images, a
 * manifest list, an OCI index with an attestation, shared and mounted layers, a moved tag, a
 * deleted manifest, unfinished uploads), plus OCI artifacts (a Helm chart, a signature and an SBOM
 * tagged after their image's digest), a nested index, signed schema1 images (pushed by skopeo), and
 * a repository holding only a blob.
 */
public final class ApiScenario {
  public static final long SEED = 20241130L;

  private ApiScenario() {}

  /**
   * Pushes everything into {@code registry} (plain HTTP), building skopeo's input in {@code work}.
   */
  public static void pushAll(RegistryProcess registry, Path work) {
    RegistryClient client = registry.client();
    new SampleRegistryScenario().pushAll(client);
    ImageFactory images = new ImageFactory(new Random(SEED));

    images
        .ociArtifact(MediaTypes.HELM_CONFIG, MediaTypes.HELM_CHART, images.layer(1_200))
        .push(client, "charts/app", "0.1.0");
    images
        .ociArtifact(MediaTypes.HELM_CONFIG, MediaTypes.HELM_CHART, images.layer(1_300))
        .push(client, "charts/app", "0.2.0");

    Image signed =
        images.ociImage(Platform.of("linux/amd64"), images.layer(20_000), images.layer(500));
    signed.push(client, "signed/app", "v1");
    String suffix = signed.digest().replace(':', '-');
    images
        .ociArtifact(MediaTypes.OCI_CONFIG, MediaTypes.COSIGN_SIGNATURE, images.layer(250))
        .push(client, "signed/app", suffix + ".sig");
    images
        .ociArtifact(MediaTypes.OCI_CONFIG, "application/spdx+json", images.layer(4_000))
        .push(client, "signed/app", suffix + ".sbom");

    Blob shared = images.layer(5_000);
    Index inner =
        images.ociIndex(
            Index.Child.of(images.ociImage(Platform.of("linux/amd64"), shared, images.layer(100))),
            Index.Child.of(
                images.ociImage(Platform.of("linux/arm64/v8"), shared, images.layer(200))));
    Index outer =
        images.ociIndex(
            new Index.Child(inner, null, Map.of()),
            Index.Child.of(images.ociImage(Platform.of("linux/s390x"), images.layer(300))));
    outer.push(client, "nested/index", "all");
    inner.push(client, "nested/index", "inner");

    Skopeo.pushSchema1(registry, "old/schema1", "v1", 2, new Random(SEED + 1), work);
    Skopeo.pushSchema1(registry, "old/schema1", "v2", 3, new Random(SEED + 2), work);

    client.pushBlob("blobs/only", images.layer(700));
  }
}
