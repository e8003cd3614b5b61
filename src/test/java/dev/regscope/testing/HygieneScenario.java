package dev.regscope.testing;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A registry with something for garbage collection to find, in three repositories: a layer shared
 * between them (mounted, not re-sent), a tag moved to a new manifest, a manifest deleted by digest,
 * a manifest pushed by digest only, a blob no manifest references, an unfinished upload holding
 * bytes, a tagged OCI index (with an attestation) and a tagged Docker manifest list whose children
 * have no tags, and a tag pointing straight at one of those children. {@link #pushAll} returns what
 * it pushed, computed from its own inputs, so tests can assert facts known by hand rather than what
 * a collector or regscope says.
 */
public final class HygieneScenario {
  public static final long DEFAULT_SEED = 20240611L;

  public static final String BASE = "hygiene/base";
  public static final String APP = "hygiene/app";
  public static final String MULTI = "hygiene/multi";

  static final Platform AMD64 = Platform.of("linux/amd64");
  static final Platform ARM64 = Platform.of("linux/arm64/v8");

  private final long seed;

  public HygieneScenario() {
    this(DEFAULT_SEED);
  }

  /** The same seed pushes the same bytes, so digests repeat from run to run. */
  public HygieneScenario(long seed) {
    this.seed = seed;
  }

  /**
   * A tag that named {@code from} and was then pushed again naming {@code to}; {@code from} stays
   * as a revision.
   */
  public record MovedTag(String repository, String tag, Image from, Image to) {}

  /**
   * An index or manifest list pushed under {@code tag}; its children were pushed by digest only.
   */
  public record TaggedIndex(String repository, String tag, Index index) {
    /** The {@code manifests[].digest} of the index, in order. */
    public List<String> childDigests() {
      return index.children().stream().map(child -> child.target().digest()).toList();
    }

    /** The child images (this scenario nests no index). */
    public List<Image> children() {
      return index.children().stream().map(child -> (Image) child.target()).toList();
    }
  }

  /** A tag pointing straight at {@code child}, which is also a child of an index. */
  public record ChildTag(String repository, String tag, Image child) {}

  /** An upload started and left open with {@code bytes} sent by PATCH. */
  public record UnfinishedUpload(String repository, String uuid, long bytes) {}

  /**
   * What {@link #pushAll} did. {@code references} maps every manifest the scenario pushed
   * (including the deleted one and index children) to what it references: config and layers, or
   * child manifests. {@code blobsByRepository} is every digest the scenario sent or linked into
   * each repository (manifests, configs, layers, the loose blob); {@code sizes} is the size of
   * every blob it stored.
   */
  public record Pushed(
      Image base,
      Blob sharedLayer,
      MovedTag movedTag,
      Image deleted,
      Image untagged,
      Blob looseBlob,
      UnfinishedUpload upload,
      TaggedIndex ociIndex,
      TaggedIndex manifestList,
      ChildTag childTag,
      Map<String, Set<String>> references,
      Map<String, Set<String>> blobsByRepository,
      Map<String, Long> sizes) {

    public Pushed {
      references = frozen(references);
      blobsByRepository = frozen(blobsByRepository);
      sizes = Collections.unmodifiableMap(new TreeMap<>(sizes));
    }

    /** The repositories the scenario pushed manifests into. */
    public Set<String> repositories() {
      return blobsByRepository.keySet();
    }

    /** Every blob the scenario stored (every manifest, config and layer, and the loose blob). */
    public Set<String> allBlobs() {
      return sizes.keySet();
    }

    /** The size of a blob the scenario stored. */
    public long size(String digest) {
      Long size = sizes.get(digest);
      if (size == null) {
        throw new IllegalArgumentException("the scenario stored no blob " + digest);
      }
      return size;
    }

    /** The summed size of {@code digests}, each counted once. */
    public long bytes(Collection<String> digests) {
      return new TreeSet<>(digests).stream().mapToLong(this::size).sum();
    }

    /** The digests linked into {@code repository} and into no other repository. */
    public SortedSet<String> exclusiveTo(String repository) {
      SortedSet<String> exclusive = new TreeSet<>(blobsByRepository.get(repository));
      blobsByRepository.forEach(
          (repo, blobs) -> {
            if (!repo.equals(repository)) {
              exclusive.removeAll(blobs);
            }
          });
      return exclusive;
    }

    /**
     * {@code artifact}'s manifest and the blobs it references that no other manifest of the
     * scenario references: what becomes garbage when {@code artifact} goes and nothing else does. A
     * child of an index is not in it, as the index references it.
     */
    public SortedSet<String> onlyReferencedBy(Artifact artifact) {
      SortedSet<String> only = new TreeSet<>(references.get(artifact.digest()));
      only.add(artifact.digest());
      references.forEach(
          (manifest, refs) -> {
            if (!manifest.equals(artifact.digest())) {
              only.removeAll(refs);
            }
          });
      return only;
    }

    private static Map<String, Set<String>> frozen(Map<String, Set<String>> map) {
      Map<String, Set<String>> copy = new TreeMap<>();
      map.forEach(
          (key, values) -> copy.put(key, Collections.unmodifiableSortedSet(new TreeSet<>(values))));
      return Collections.unmodifiableMap(copy);
    }
  }

  /**
   * Pushes the scenario into an empty registry (deletes must be enabled) and returns what it
   * pushed.
   */
  public Pushed pushAll(RegistryClient client) {
    return new Run(client, new ImageFactory(new Random(seed))).pushAll();
  }

  /** One pass over a registry; records references, repositories and sizes as it pushes. */
  private static final class Run {
    private final RegistryClient client;
    private final ImageFactory images;
    private final Map<String, Set<String>> references = new LinkedHashMap<>();
    private final Map<String, Set<String>> blobsByRepository = new LinkedHashMap<>();
    private final Map<String, Long> sizes = new LinkedHashMap<>();

    Run(RegistryClient client, ImageFactory images) {
      this.client = client;
      this.images = images;
    }

    Pushed pushAll() {
      // The shared layer is sent once, into BASE, and mounted into the other repositories.
      Blob shared = images.layer(60_000);
      Image base = images.dockerImage(AMD64, shared, images.layer(20_000));
      tag(BASE, base, "1");

      mount(APP, BASE, shared);
      Image appOld = images.ociImage(AMD64, shared, images.layer(5_000));
      tag(APP, appOld, "latest");
      Image appNew = images.ociImage(AMD64, shared, images.layer(6_000));
      tag(APP, appNew, "latest");

      Image doomed = images.ociImage(AMD64, shared, images.layer(4_000));
      tag(APP, doomed, "doomed");
      client.deleteManifest(APP, doomed.digest());

      Image untagged = images.ociImage(AMD64, shared, images.layer(3_000));
      record(APP, untagged);
      untagged.pushByDigest(client, APP);

      Blob loose = images.layer(2_000);
      client.pushBlob(APP, loose);
      linked(APP, loose);

      byte[] partial = images.layer(1_000).bytes();
      UnfinishedUpload upload =
          new UnfinishedUpload(APP, client.startUpload(APP, partial), partial.length);

      mount(MULTI, BASE, shared);
      Image ociAmd64 = images.ociImage(AMD64, shared, images.layer(7_000));
      Image ociArm64 = images.ociImage(ARM64, images.layer(8_000));
      Index oci =
          images.ociIndex(
              Index.Child.of(ociAmd64), Index.Child.of(ociArm64), images.attestationFor(ociAmd64));
      tag(MULTI, oci, "oci");

      Image listAmd64 = images.dockerImage(AMD64, images.layer(9_000));
      Image listArm64 = images.dockerImage(ARM64, images.layer(9_500));
      Index list = images.dockerManifestList(listAmd64, listArm64);
      tag(MULTI, list, "docker");
      tag(MULTI, listAmd64, "docker-amd64");

      return new Pushed(
          base,
          shared,
          new MovedTag(APP, "latest", appOld, appNew),
          doomed,
          untagged,
          loose,
          upload,
          new TaggedIndex(MULTI, "oci", oci),
          new TaggedIndex(MULTI, "docker", list),
          new ChildTag(MULTI, "docker-amd64", listAmd64),
          references,
          blobsByRepository,
          sizes);
    }

    private void tag(String repo, Artifact artifact, String tag) {
      record(repo, artifact);
      artifact.push(client, repo, tag);
    }

    private void mount(String repo, String from, Blob blob) {
      if (!client.mountBlob(repo, from, blob.digest())) {
        throw new AssertionError(
            "registry refused to mount " + blob.digest() + " from " + from + " into " + repo);
      }
      linked(repo, blob);
    }

    /** Records {@code artifact} and everything under it as pushed into {@code repo}. */
    private void record(String repo, Artifact artifact) {
      Set<String> refs = new LinkedHashSet<>();
      if (artifact instanceof Image image) {
        linked(repo, image.config());
        refs.add(image.config().digest());
        for (Blob layer : image.layers()) {
          linked(repo, layer);
          refs.add(layer.digest());
        }
      } else if (artifact instanceof Index index) {
        for (Index.Child child : index.children()) {
          record(repo, child.target());
          refs.add(child.target().digest());
        }
      }
      linked(repo, artifact.manifest());
      references.merge(artifact.digest(), refs, (known, again) -> known);
    }

    private void linked(String repo, Blob blob) {
      blobsByRepository.computeIfAbsent(repo, r -> new LinkedHashSet<>()).add(blob.digest());
      sizes.put(blob.digest(), blob.size());
    }
  }
}
