package dev.regscope.hygiene;

import dev.regscope.core.BlobCensus;
import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.model.ReferrerKind;
import dev.regscope.model.RepositoryHygiene;
import dev.regscope.model.UnpullableTag;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One repository's hygiene: what its tags keep, what it alone references, what is untagged, missing
 * or unpullable, and what 2.8's {@code --delete-untagged} would break or delete.
 */
final class RepositoryPass {
  private final ManifestGraph graph;
  private final BlobCensus census;
  private final RepositoryRefs repository;
  private final Set<Digest> revisions;
  private final Set<Digest> tagged = new HashSet<>();

  /** What fails for each manifest a tag names. */
  private final Map<Digest, Failure> failures = new HashMap<>();

  RepositoryPass(ManifestGraph graph, RepositoryRefs repository) {
    this.graph = graph;
    this.census = graph.census();
    this.repository = repository;
    this.revisions = new HashSet<>(repository.revisions());
    repository.tags().forEach(tag -> tagged.add(tag.digest()));
  }

  /**
   * @param marked the blobs its revisions mark, each once
   * @param repositoriesMarking how many repositories mark each blob
   * @param stamps this thread's stamps, advanced for this repository; what its tags keep is set in
   *     {@code keptByTags}
   */
  RepositoryHygiene run(
      int[] marked, int[] repositoriesMarking, GarbageCollection.Stamps stamps, BitSet keptByTags) {
    Set<Digest> keptManifests = new HashSet<>();
    long size = keep(stamps, keptByTags, keptManifests);

    long exclusive = 0;
    for (int blob : marked) {
      if (repositoriesMarking[blob] == 1) {
        exclusive += census.size(blob);
      }
    }

    Set<Digest> missing = new HashSet<>();
    Set<Digest> reachedByImages = new HashSet<>();
    List<UnpullableTag> unpullable = new ArrayList<>();
    Set<String> unpullableNames = new HashSet<>();
    for (TagRef tag : repository.tags()) {
      ManifestGraph.Closure closure = graph.closure(tag.digest());
      missing.addAll(closure.missing());
      if (tag.broken()) {
        continue;
      }
      if (!Referrers.isTagSchema(tag.name())) {
        reachedByImages.addAll(closure.manifests());
      }
      UnpullableTag failing = unpullable(tag, closure);
      if (failing != null) {
        unpullable.add(failing);
        unpullableNames.add(tag.name());
      }
    }

    Referrers referrers = new Referrers(repository, revisions, graph);
    long untagged = 0;
    for (Digest revision : revisions) {
      if (!keptManifests.contains(revision) && !referrers.contains(revision)) {
        untagged++;
      }
    }
    Map<ReferrerKind, Long> deletedReferrers =
        referrers.deletedByDeleteUntagged(reachedByImages, tagged);
    return new RepositoryHygiene(
        size,
        exclusive,
        untagged,
        census.complete() ? missing.size() : 0,
        brokenByDeleteUntagged(unpullableNames),
        unpullable,
        referrers.byKind(),
        deletedReferrers,
        repository.linksComplete());
  }

  /**
   * What the tags keep under {@code --delete-untagged} done right: each tagged revision and what it
   * references, and, through indexes, each child that is a revision of this repository with what it
   * references. A child that is not (deleted by digest, or only in another repository) stays as a
   * blob the index references; its config and layers are not kept, as 2.8 does not keep them.
   *
   * @return the bytes of the distinct blobs kept
   */
  private long keep(GarbageCollection.Stamps stamps, BitSet keptByTags, Set<Digest> keptManifests) {
    long size = 0;
    Deque<Digest> pending = new ArrayDeque<>();
    for (TagRef tag : repository.tags()) {
      if (revisions.contains(tag.digest())) {
        pending.push(tag.digest());
      }
    }
    while (!pending.isEmpty()) {
      Digest manifest = pending.pop();
      if (!keptManifests.add(manifest)) {
        continue;
      }
      for (int blob : graph.marks(manifest)) {
        keptByTags.set(blob);
        if (stamps.first(blob)) {
          size += census.size(blob);
        }
      }
      for (Digest child : graph.children(manifest)) {
        if (revisions.contains(child)) {
          pending.push(child);
        }
      }
    }
    return size;
  }

  /** Why the image of one manifest cannot be pulled, and the blobs that fail. */
  private record Failure(Damage reason, List<Digest> blobs) {
    static final Failure NONE = new Failure(null, List.of());
  }

  /**
   * Why a tag whose manifests the registry serves cannot be pulled: a config or layer absent from
   * the store ({@code missing_blob}, known only from a complete census), or stored but not linked
   * into this repository ({@code missing_layer_link}); null when nothing fails. Tags share
   * manifests (a release tagged three ways), so it is worked out once per manifest.
   */
  private UnpullableTag unpullable(TagRef tag, ManifestGraph.Closure closure) {
    Failure failure = failures.computeIfAbsent(tag.digest(), d -> failure(closure));
    return failure == Failure.NONE
        ? null
        : new UnpullableTag(tag.name(), failure.reason(), failure.blobs());
  }

  private Failure failure(ManifestGraph.Closure closure) {
    Set<Digest> absent = new LinkedHashSet<>();
    Set<Digest> unlinked = new LinkedHashSet<>();
    Set<String> links = repository.layerLinks();
    for (Digest manifest : closure.manifests()) {
      graph
          .summary(manifest)
          .ifPresent(
              summary -> {
                for (Digest blob : References.pulled(summary)) {
                  if (census.indexOf(blob) < 0) {
                    absent.add(blob);
                  } else if (links != null && !links.contains(blob.hex())) {
                    unlinked.add(blob);
                  }
                }
              });
    }
    if (!absent.isEmpty() && census.complete()) {
      List<Digest> blobs = new ArrayList<>(absent);
      blobs.addAll(unlinked);
      return new Failure(Damage.MISSING_BLOB, List.copyOf(blobs));
    }
    return unlinked.isEmpty()
        ? Failure.NONE
        : new Failure(Damage.MISSING_LAYER_LINK, List.copyOf(unlinked));
  }

  /**
   * Tags that can be pulled now and that registry 2.8's {@code --delete-untagged} would break: tags
   * of an index with a child (at any depth) that no tag names, which 2.8 deletes as untagged.
   */
  private long brokenByDeleteUntagged(Set<String> unpullable) {
    long broken = 0;
    for (TagRef tag : repository.tags()) {
      if (tag.broken() || unpullable.contains(tag.name()) || !revisions.contains(tag.digest())) {
        continue;
      }
      ManifestGraph.Closure closure = graph.closure(tag.digest());
      if (closure.manifests().size() < 2) {
        continue; // an image: its tag keeps it whole
      }
      for (Digest manifest : closure.manifests()) {
        if (!tagged.contains(manifest) && revisions.contains(manifest)) {
          broken++;
          break;
        }
      }
    }
    return broken;
  }
}
