package dev.regscope.testing;

import static dev.regscope.testing.RegistryTree.child;

import dev.regscope.core.Digest;
import dev.regscope.testing.RegistryTree.Blob;
import dev.regscope.testing.RegistryTree.Manifest;
import dev.regscope.testing.RegistryTree.Repo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Grows a random registry tree, the same one for the same seed, with everything a registry's life
 * leaves behind: shared and missing layers, moved and deleted tags, untagged revisions, nested
 * indexes, children deleted by digest, unlinked and lost blobs, foreign layers stored or not,
 * referrers with and without a tag-schema index, loose blobs, uploads, and repositories without a
 * tags folder.
 */
public final class RandomRegistryTree {
  private static final String[] PLATFORMS = {
    "linux/amd64", "linux/arm64/v8", "linux/arm/v7", "windows/amd64", null
  };
  private static final String[] ARTIFACTS = {
    "application/vnd.cncf.notary.signature", "application/spdx+json", "application/vnd.in-toto+json"
  };

  private final RegistryTree tree;
  private final Random random;
  private final List<Blob> shared = new ArrayList<>();
  private long uploadBytes;

  private RandomRegistryTree(RegistryTree tree, Random random) {
    this.tree = tree;
    this.random = random;
  }

  /** Grows a tree from {@code seed}; returns the bytes its uploads in progress hold. */
  public static long grow(RegistryTree tree, long seed) {
    RandomRegistryTree grower = new RandomRegistryTree(tree, new Random(seed));
    grower.grow();
    return grower.uploadBytes;
  }

  private void grow() {
    for (int i = 0; i < 3; i++) {
      shared.add(tree.layer(1 + random.nextInt(500)));
    }
    int repositories = 1 + random.nextInt(4);
    for (int r = 0; r < repositories; r++) {
      Repo repo = tree.repo(r % 3 == 2 ? "r" + (r - 1) + "/nested" : "r" + r);
      List<Manifest> pushed = new ArrayList<>();
      List<Manifest> children = new ArrayList<>();
      List<Digest> layers = new ArrayList<>();
      int operations = 3 + random.nextInt(10);
      for (int o = 0; o < operations; o++) {
        operate(repo, pushed, children, layers);
      }
      if (random.nextInt(8) == 0) {
        repo.withoutTagsFolder();
      }
    }
  }

  private void operate(
      Repo repo, List<Manifest> pushed, List<Manifest> children, List<Digest> layers) {
    String tag = "t" + random.nextInt(5);
    switch (random.nextInt(12)) {
      case 0, 1 -> pushed.add(tagged(repo, tag, image(layers)));
      case 2 -> {
        List<RegistryTree.Child> entries = new ArrayList<>();
        for (int c = 0; c < 1 + random.nextInt(3); c++) {
          Manifest image = image(layers);
          children.add(image);
          entries.add(child(PLATFORMS[random.nextInt(PLATFORMS.length)], image));
        }
        Manifest index = RegistryTree.ociIndex(entries.toArray(RegistryTree.Child[]::new));
        if (random.nextInt(5) == 0) {
          children.add(index);
          index = RegistryTree.manifestList(child(null, index));
        }
        pushed.add(tagged(repo, tag, index));
      }
      case 3 -> {
        Manifest image = image(layers);
        repo.push(image);
        pushed.add(image);
      }
      case 4 -> {
        if (!pushed.isEmpty()) {
          repo.deleteManifest(pushed.remove(random.nextInt(pushed.size())).digest());
        }
      }
      case 5 -> {
        if (!children.isEmpty()) {
          Manifest gone = children.remove(random.nextInt(children.size()));
          if (Files.exists(revisionLink(repo, gone.digest()))) {
            repo.unlinkRevision(gone.digest());
          }
        }
      }
      case 6 -> {
        if (!layers.isEmpty() && Files.exists(repo.layerLink(layers.get(0)))) {
          repo.unlinkBlob(layers.remove(0));
        }
      }
      case 7 -> {
        if (!layers.isEmpty() && Files.exists(tree.blobData(layers.get(layers.size() - 1)))) {
          delete(layers.remove(layers.size() - 1));
        }
      }
      case 8 -> referrer(repo, pushed);
      case 9 -> {
        Blob foreign = RegistryTree.absentLayer(1_000_000 + random.nextInt(1000));
        if (random.nextBoolean()) {
          tree.putBlob(foreign.digest(), new byte[1 + random.nextInt(50)]);
        }
        Manifest image =
            RegistryTree.imageWithForeignBase(tree.config(20), foreign, tree.layer(30));
        pushed.add(tagged(repo, tag, image));
      }
      case 10 -> {
        byte[] data = new byte[random.nextInt(300)];
        uploadBytes += data.length;
        tree.upload(repo.name(), "u" + random.nextInt(1_000_000), data, "2026-01-01T00:00:00Z");
      }
      default ->
          tree.blob(
              ("loose" + random.nextLong()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private Manifest tagged(Repo repo, String tag, Manifest manifest) {
    repo.tag(tag, manifest);
    return manifest;
  }

  /** An image of a stored config and shared, new or (rarely) absent layers. */
  private Manifest image(List<Digest> layers) {
    List<Blob> chosen = new ArrayList<>();
    for (int l = 0; l < 1 + random.nextInt(3); l++) {
      int pick = random.nextInt(10);
      Blob layer =
          pick < 3
              ? shared.get(random.nextInt(shared.size()))
              : pick == 9
                  ? RegistryTree.absentLayer(1 + random.nextInt(200))
                  : tree.layer(1 + random.nextInt(400));
      chosen.add(layer);
      layers.add(layer.digest());
    }
    Blob config = tree.config(5 + random.nextInt(50));
    return random.nextBoolean()
        ? RegistryTree.imageWithConfig(config, chosen.toArray(Blob[]::new))
        : RegistryTree.ociImageWithConfig(config, chosen.toArray(Blob[]::new));
  }

  private void referrer(Repo repo, List<Manifest> pushed) {
    if (pushed.isEmpty()) {
      return;
    }
    Manifest subject = pushed.get(random.nextInt(pushed.size()));
    Manifest referrer =
        RegistryTree.referrer(
            subject, ARTIFACTS[random.nextInt(ARTIFACTS.length)], tree.config(2), tree.layer(60));
    if (random.nextBoolean()) {
      repo.tag("sha256-" + subject.digest().hex(), RegistryTree.ociIndex(child(null, referrer)));
    } else {
      repo.push(referrer);
    }
  }

  private java.nio.file.Path revisionLink(Repo repo, Digest digest) {
    return repo.dir()
        .resolve("_manifests/revisions")
        .resolve(digest.algorithm())
        .resolve(digest.hex())
        .resolve("link");
  }

  private void delete(Digest blob) {
    try {
      Files.delete(tree.blobData(blob));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
