package dev.regscope.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * A small registry with the situations regscope must read right: nested repository names, layers
 * shared between tags and repositories (pushed and mounted), a layer listed twice, several tags on
 * one manifest, a moved tag, a manifest deleted by digest, Docker and OCI images, a manifest list,
 * an OCI index with an attestation, and unfinished uploads (one in a folder that is no repository).
 * {@link #pushAll} fills a registry and says what each tag must amount to, from the scenario's own
 * inputs.
 */
public final class SampleRegistryScenario {
  public static final long DEFAULT_SEED = 20240501L;

  static final Platform AMD64 = Platform.of("linux/amd64");
  static final Platform ARM64 = Platform.of("linux/arm64/v8");
  static final Platform ARM_V7 = Platform.of("linux/arm/v7");

  private final long seed;

  public SampleRegistryScenario() {
    this(DEFAULT_SEED);
  }

  /** The same seed pushes the same bytes, so digests repeat from run to run. */
  public SampleRegistryScenario(long seed) {
    this.seed = seed;
  }

  /** A manifest the scenario deleted by digest, and the tags that named it at that moment. */
  public record DeletedManifest(String repo, String digest, List<String> removedTags) {
    public DeletedManifest {
      removedTags = List.copyOf(removedTags);
    }
  }

  /** An upload the scenario started and left open, with the bytes it sent into it. */
  public record UnfinishedUpload(String repo, String uuid, long bytes) {}

  /**
   * What {@link #pushAll} did: {@code expected} is every tag the registry must list with what it
   * amounts to; {@code untaggedRepos} are folders that hold only uploads and must not appear in the
   * catalog.
   */
  public record Pushed(
      RegistryTruth expected,
      List<DeletedManifest> deleted,
      List<UnfinishedUpload> uploads,
      List<String> untaggedRepos) {
    public Pushed {
      Objects.requireNonNull(expected, "expected");
      deleted = List.copyOf(deleted);
      uploads = List.copyOf(uploads);
      untaggedRepos = List.copyOf(untaggedRepos);
    }
  }

  /**
   * Pushes the scenario into an empty registry (deletes must be enabled) and returns what it
   * pushed.
   */
  public Pushed pushAll(RegistryClient client) {
    return new Run(client, new ImageFactory(new Random(seed))).pushAll();
  }

  /** One pass over a registry; remembers what each tag should amount to as it goes. */
  private static final class Run {
    private final RegistryClient client;
    private final ImageFactory images;
    private final Map<String, Map<String, TagTruth>> expected = new LinkedHashMap<>();
    private final List<DeletedManifest> deleted = new ArrayList<>();
    private final List<UnfinishedUpload> uploads = new ArrayList<>();

    Run(RegistryClient client, ImageFactory images) {
      this.client = client;
      this.images = images;
    }

    Pushed pushAll() {
      // Base layers, one per platform, shared by every image of that platform in every repository.
      Blob baseAmd64 = images.layer(180_000);
      Blob baseArm64 = images.layer(170_000);
      Blob baseArmV7 = images.layer(150_000);
      Blob tiny = images.layer(3);
      Blob deps = images.layer();

      // base/alpine: one Docker image under three tags, a tag moved to a newer build, a Docker
      // manifest list.
      Image alpine = images.dockerImage(AMD64, baseAmd64, images.layer());
      tag("base/alpine", alpine, "3.19", "3", "latest");
      Image edgeOld = images.dockerImage(AMD64, baseAmd64, images.layer());
      tag("base/alpine", edgeOld, "edge");
      Image edgeNew = images.dockerImage(AMD64, baseAmd64, images.layer(), tiny);
      tag("base/alpine", edgeNew, "edge");
      Index multiarch =
          images.dockerManifestList(
              images.dockerImage(AMD64, baseAmd64, images.layer()),
              images.dockerImage(ARM64, baseArm64, images.layer()));
      tag("base/alpine", multiarch, "multiarch");

      // team/app: the base layer mounted from base/alpine, a layer listed twice, a tag whose first
      // manifest is
      // deleted after it moved on (its history keeps a dangling link), and a manifest deleted with
      // its tags.
      if (!client.mountBlob("team/app", "base/alpine", baseAmd64.digest())) {
        throw new AssertionError(
            "registry refused to mount " + baseAmd64.digest() + " from base/alpine");
      }
      Image app = images.ociImage(AMD64, baseAmd64, deps, tiny, images.layer(), tiny);
      Image doomed = images.ociImage(AMD64, baseAmd64, images.layer());
      tag("team/app", doomed, "v0", "rc", "next");
      tag("team/app", app, "v1", "latest", "next");
      deleteManifest("team/app", doomed, "v0", "rc");

      // team/app/api, nested inside team/app: an OCI index for three platforms plus an attestation.
      Image apiAmd64 = images.ociImage(AMD64, baseAmd64, deps, images.layer());
      Image apiArm64 = images.ociImage(ARM64, baseArm64, deps, images.layer());
      Image apiArmV7 = images.ociImage(ARM_V7, baseArmV7, deps, images.layer());
      Index api =
          images.ociIndex(
              Index.Child.of(apiAmd64),
              Index.Child.of(apiArm64),
              Index.Child.of(apiArmV7),
              images.attestationFor(apiAmd64));
      tag("team/app/api", api, "2.0", "stable");

      // Unfinished uploads: one empty in a repository, one with data in a folder that holds nothing
      // else.
      uploads.add(new UnfinishedUpload("team/app/api", client.startUpload("team/app/api"), 0));
      byte[] partial = images.layer(1_000).bytes();
      uploads.add(
          new UnfinishedUpload(
              "scratch/pending", client.startUpload("scratch/pending", partial), partial.length));

      return new Pushed(new RegistryTruth(expected), deleted, uploads, List.of("scratch/pending"));
    }

    private void tag(String repo, Artifact artifact, String... tags) {
      artifact.pushReferences(client, repo);
      for (String tag : tags) {
        client.putManifest(repo, tag, artifact.manifest());
        expected
            .computeIfAbsent(repo, r -> new LinkedHashMap<>())
            .put(tag, ExpectedTruth.of(artifact));
      }
    }

    private void deleteManifest(String repo, Artifact artifact, String... tagsNamingIt) {
      client.deleteManifest(repo, artifact.digest());
      for (String tag : tagsNamingIt) {
        expected.get(repo).remove(tag);
      }
      deleted.add(new DeletedManifest(repo, artifact.digest(), List.of(tagsNamingIt)));
    }
  }
}
