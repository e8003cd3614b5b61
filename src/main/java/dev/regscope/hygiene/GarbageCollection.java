package dev.regscope.hygiene;

import dev.regscope.manifest.ManifestSummary;
import dev.regscope.model.Reclaimable;
import dev.regscope.model.RepositoryHygiene;
import dev.regscope.model.StoreHygiene;
import dev.regscope.storage.BlobCensus;
import dev.regscope.storage.Digest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides, the way registry 2.8's mark-and-sweep collector does, which blobs a garbage collection would delete,
 * and what each repository costs. Pure: fed the blob census, each repository's revisions and tags, and the
 * summaries of the manifests (empty where a manifest is missing or unreadable).
 *
 * <p>Mode "unreferenced" is {@code garbage-collect}: every revision with a link file is marked with the blobs its
 * manifest references (an index references its children, which are revisions of their own); every other blob is
 * swept. Mode "untagged" is {@code --delete-untagged} done right: only what tags reach is marked, children of
 * tagged indexes included. Registry 2.8 deletes those children too (distribution#3178); the tags that would
 * break are counted instead.
 */
public final class GarbageCollection {
  /** The result: store-wide numbers, and per repository by name. */
  public record Result(StoreHygiene store, Map<String, RepositoryHygiene> repositories) {}

  private final BlobCensus census;
  private final Function<Digest, Optional<ManifestSummary>> summaries;

  private GarbageCollection(BlobCensus census, Function<Digest, Optional<ManifestSummary>> summaries) {
    this.census = census;
    this.summaries = summaries;
  }

  public static Result compute(BlobCensus census, List<RepositoryRefs> repositories,
      Function<Digest, Optional<ManifestSummary>> summaries) {
    return new GarbageCollection(census, summaries).run(repositories);
  }

  private Result run(List<RepositoryRefs> repositories) {
    BitSet markedByRevisions = new BitSet(census.count());
    BitSet markedByTags = new BitSet(census.count());
    int[] repositoriesMarking = new int[census.count()];
    Map<String, int[]> markedPerRepository = new HashMap<>();

    for (RepositoryRefs repository : repositories) {
      int[] marked = markRevisions(repository);
      for (int blob : marked) {
        markedByRevisions.set(blob);
        if (repositoriesMarking[blob] < Integer.MAX_VALUE) {
          repositoriesMarking[blob]++;
        }
      }
      markedPerRepository.put(repository.name(), marked);
    }

    Map<String, RepositoryHygiene> perRepository = new HashMap<>();
    for (RepositoryRefs repository : repositories) {
      Set<Digest> revisions = new HashSet<>(repository.revisions());
      Reachability all = new Reachability(summaries);
      Reachability collectorKeeps = new Reachability(summaries);
      for (Digest tagged : repository.tags()) {
        all.add(tagged);
        if (revisions.contains(tagged)) {
          collectorKeeps.add(tagged); // the collector only enumerates revisions: a tag without one keeps nothing
        }
      }
      for (Digest blob : collectorKeeps.blobs) {
        int index = census.indexOf(blob);
        if (index >= 0) {
          markedByTags.set(index);
        }
      }
      long size = 0;
      long missing = 0;
      for (Digest blob : all.blobs) {
        int index = census.indexOf(blob);
        if (index >= 0) {
          size += census.size(index);
        } else {
          missing++;
        }
      }
      long exclusive = 0;
      for (int blob : markedPerRepository.get(repository.name())) {
        if (repositoriesMarking[blob] == 1) {
          exclusive += census.size(blob);
        }
      }
      long untagged = revisions.stream().filter(r -> !all.manifests.contains(r)).count();
      perRepository.put(repository.name(), new RepositoryHygiene(size, exclusive, untagged,
          census.complete() ? missing : 0, brokenByDeleteUntagged(repository, revisions)));
    }

    StoreHygiene store = new StoreHygiene(census.count(), census.totalBytes(),
        sweep(markedByRevisions), sweep(markedByTags), census.complete());
    return new Result(store, perRepository);
  }

  /** The distinct blobs (by census number) a repository's revisions mark in the unreferenced mode. */
  private int[] markRevisions(RepositoryRefs repository) {
    int[] marked = new int[16];
    int n = 0;
    for (Digest revision : repository.revisions()) {
      List<Digest> blobs = new ArrayList<>();
      blobs.add(revision);
      summaries.apply(revision).ifPresent(summary -> blobs.addAll(References.of(summary)));
      for (Digest blob : blobs) {
        int index = census.indexOf(blob);
        if (index >= 0) {
          if (n == marked.length) {
            marked = Arrays.copyOf(marked, n * 2);
          }
          marked[n++] = index;
        }
      }
    }
    return Arrays.stream(marked, 0, n).sorted().distinct().toArray();
  }

  /**
   * Tags that registry 2.8's {@code --delete-untagged} would break: tags of an index with a child (at any depth)
   * that is a revision of the repository no tag names, which 2.8 deletes as untagged.
   */
  private long brokenByDeleteUntagged(RepositoryRefs repository, Set<Digest> revisions) {
    Set<Digest> tagged = new HashSet<>(repository.tags());
    long broken = 0;
    for (Digest tag : repository.tags()) {
      Optional<ManifestSummary> summary = summaries.apply(tag);
      if (!revisions.contains(tag) || summary.isEmpty() || !References.isIndex(summary.get())) {
        continue;
      }
      Reachability reach = new Reachability(summaries);
      reach.add(tag);
      boolean loses = reach.manifests.stream()
          .anyMatch(m -> !m.equals(tag) && revisions.contains(m) && !tagged.contains(m));
      if (loses) {
        broken++;
      }
    }
    return broken;
  }

  private Reclaimable sweep(BitSet marked) {
    List<Digest> blobs = new ArrayList<>();
    long bytes = 0;
    for (int blob = marked.nextClearBit(0); blob < census.count(); blob = marked.nextClearBit(blob + 1)) {
      blobs.add(census.digest(blob));
      bytes += census.size(blob);
    }
    return new Reclaimable(blobs, bytes);
  }
}
