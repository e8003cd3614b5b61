package dev.regscope.hygiene;

import dev.regscope.core.BlobCensus;
import dev.regscope.core.Digest;
import dev.regscope.manifest.ChildManifest;
import dev.regscope.manifest.ManifestSummary;
import dev.regscope.model.Reclaimable;
import dev.regscope.model.RepositoryHygiene;
import dev.regscope.model.StoreHygiene;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Decides, the way registry 2.8's mark-and-sweep collector does, which blobs a garbage collection
 * would delete, and what each repository costs. Pure: fed the blob census, each repository's
 * revisions and tags, and the summaries of the manifests (empty where a manifest is missing or
 * unreadable).
 *
 * <p>Mode "unreferenced" is {@code garbage-collect}: every revision with a link file is marked with
 * the blobs its manifest references (an index references its children, which are revisions of their
 * own); every other blob is swept. Mode "untagged" is {@code --delete-untagged} done right: only
 * what tags reach is marked, children of tagged indexes included. Registry 2.8 deletes those
 * children too (distribution#3178); the tags that would break are counted instead.
 *
 * <p>Blobs are numbered by the census, and what a manifest marks or reaches is worked out once per
 * manifest, then reused by every tag and repository naming it. Repositories are worked on in
 * parallel.
 */
public final class GarbageCollection {
  /** The result: store-wide numbers, and per repository by name. */
  public record Result(StoreHygiene store, Map<String, RepositoryHygiene> repositories) {}

  /**
   * What a tagged manifest reaches: stored blobs by census number, absent ones, and the manifests
   * on the way.
   */
  private record Closure(int[] blobs, List<Digest> missing, Set<Digest> manifests) {}

  private final BlobCensus census;
  private final Function<Digest, Optional<ManifestSummary>> summaries;
  private final Map<Digest, Closure> closures;
  private final Map<Digest, int[]> marks;

  /**
   * Stamp arrays free for the next chunk of repositories: one per thread at work, not one per
   * chunk.
   */
  private final Queue<Stamps> freeStamps = new ConcurrentLinkedQueue<>();

  /**
   * Which repository last counted a blob, so a blob reached twice in one repository counts once.
   * Each thread has its own while it works on a chunk of repositories.
   */
  private static final class Stamps {
    final int[] stamp;
    int id;

    /** What the tags this thread went through keep in the untagged mode. */
    final BitSet keptByTags;

    Stamps(int blobs) {
      stamp = new int[blobs];
      keptByTags = new BitSet(blobs);
    }

    /** True the first time {@code blob} is seen since the last {@link #next()}. */
    boolean first(int blob) {
      if (stamp[blob] == id) {
        return false;
      }
      stamp[blob] = id;
      return true;
    }

    void next() {
      id++;
    }
  }

  private GarbageCollection(
      BlobCensus census, Function<Digest, Optional<ManifestSummary>> summaries, int revisions) {
    this.census = census;
    this.summaries = summaries;
    // One entry per distinct manifest at most: sized up front rather than grown while every core
    // reads them.
    this.closures = new ConcurrentHashMap<>(Math.max(16, revisions));
    this.marks = new ConcurrentHashMap<>(Math.max(16, revisions));
  }

  /**
   * @param summaries looked up from several threads at once
   */
  public static Result compute(
      BlobCensus census,
      List<RepositoryRefs> repositories,
      Function<Digest, Optional<ManifestSummary>> summaries) {
    int revisions = repositories.stream().mapToInt(r -> r.revisions().size()).sum();
    return new GarbageCollection(census, summaries, revisions).run(repositories);
  }

  private Result run(List<RepositoryRefs> repositories) {
    int count = repositories.size();
    // Repositories are independent until their marks are merged: a large registry's thousands of
    // them are
    // worked on by every core, which takes this pass off the critical path of a first scan.
    int[][] markedPerRepository = new int[count][];
    inChunks(count, (r, stamps) -> markedPerRepository[r] = markedBy(repositories.get(r), stamps));
    BitSet markedByRevisions = new BitSet(census.count());
    int[] repositoriesMarking = new int[census.count()];
    for (int[] marked : markedPerRepository) {
      for (int blob : marked) {
        markedByRevisions.set(blob);
        if (repositoriesMarking[blob] < Integer.MAX_VALUE) {
          repositoriesMarking[blob]++;
        }
      }
    }

    RepositoryHygiene[] hygiene = new RepositoryHygiene[count];
    inChunks(
        count,
        (r, stamps) ->
            hygiene[r] =
                hygieneOf(
                    repositories.get(r), markedPerRepository[r], repositoriesMarking, stamps));
    BitSet markedByTags = new BitSet(census.count());
    freeStamps.forEach(stamps -> markedByTags.or(stamps.keptByTags));

    Map<String, RepositoryHygiene> perRepository = new HashMap<>();
    for (int r = 0; r < count; r++) {
      perRepository.put(repositories.get(r).name(), hygiene[r]);
    }
    StoreHygiene store =
        new StoreHygiene(
            census.count(),
            census.totalBytes(),
            sweep(markedByRevisions),
            sweep(markedByTags),
            census.complete());
    return new Result(store, perRepository);
  }

  private interface RepositoryTask {
    void run(int repository, Stamps stamps);
  }

  /**
   * Runs {@code task} for every repository number, in chunks over the common pool, each with its
   * own stamps.
   */
  private void inChunks(int count, RepositoryTask task) {
    int chunks = Math.max(1, Math.min(count / 64, 4 * ForkJoinPool.getCommonPoolParallelism()));
    IntStream.range(0, chunks)
        .parallel()
        .forEach(
            chunk -> {
              Stamps stamps = freeStamps.poll();
              if (stamps == null) {
                stamps = new Stamps(census.count());
              }
              for (int r = (int) ((long) count * chunk / chunks);
                  r < (long) count * (chunk + 1) / chunks;
                  r++) {
                stamps.next();
                task.run(r, stamps);
              }
              freeStamps.add(stamps);
            });
  }

  /** The blobs a repository's revisions mark in the unreferenced mode, each once. */
  private int[] markedBy(RepositoryRefs repository, Stamps stamps) {
    int[] marked = new int[16];
    int n = 0;
    for (Digest revision : repository.revisions()) {
      for (int blob : marks(revision)) {
        if (stamps.first(blob)) {
          if (n == marked.length) {
            marked = Arrays.copyOf(marked, n * 2);
          }
          marked[n++] = blob;
        }
      }
    }
    return Arrays.copyOf(marked, n);
  }

  /**
   * Sizes, untagged revisions and missing blobs of one repository; marks in the stamps what its
   * tags keep.
   */
  private RepositoryHygiene hygieneOf(
      RepositoryRefs repository, int[] marked, int[] repositoriesMarking, Stamps stamps) {
    Set<Digest> revisions = new HashSet<>(repository.revisions());
    Set<Digest> reachedManifests = new HashSet<>();
    Set<Digest> missing = new HashSet<>();
    long size = 0;
    for (Digest tagged : repository.tags()) {
      Closure closure = closure(tagged);
      boolean keeps = revisions.contains(tagged); // the collector only enumerates revisions
      for (int blob : closure.blobs()) {
        if (keeps) {
          stamps.keptByTags.set(blob);
        }
        if (stamps.first(blob)) {
          size += census.size(blob);
        }
      }
      missing.addAll(closure.missing());
      reachedManifests.addAll(closure.manifests());
    }
    long exclusive = 0;
    for (int blob : marked) {
      if (repositoriesMarking[blob] == 1) {
        exclusive += census.size(blob);
      }
    }
    long untagged = 0;
    for (Digest revision : revisions) {
      if (!reachedManifests.contains(revision)) {
        untagged++;
      }
    }
    return new RepositoryHygiene(
        size,
        exclusive,
        untagged,
        census.complete() ? missing.size() : 0,
        brokenByDeleteUntagged(repository, revisions));
  }

  /**
   * What one revision marks in the unreferenced mode: its manifest and what the manifest
   * references.
   */
  private int[] marks(Digest revision) {
    int[] known = marks.get(revision);
    if (known != null) {
      return known;
    }
    List<Digest> blobs = new ArrayList<>();
    blobs.add(revision);
    summaries.apply(revision).ifPresent(summary -> blobs.addAll(References.of(summary)));
    int[] indexes = blobs.stream().mapToInt(census::indexOf).filter(i -> i >= 0).toArray();
    marks.put(revision, indexes);
    return indexes;
  }

  /**
   * What a tagged manifest reaches (children of indexes recursively), worked out once per manifest.
   */
  private Closure closure(Digest root) {
    Closure known = closures.get(root);
    if (known != null) {
      return known;
    }
    Optional<ManifestSummary> rootSummary = summaries.apply(root);
    if (rootSummary.isEmpty() || rootSummary.get().children().isEmpty()) {
      // An image (most tags): itself and what it references, no walk needed.
      List<Digest> blobs = new ArrayList<>();
      blobs.add(root);
      rootSummary.ifPresent(summary -> blobs.addAll(References.stored(summary)));
      Closure closure = toClosure(blobs, Set.of(root));
      closures.put(root, closure);
      return closure;
    }
    Set<Digest> manifests = new HashSet<>();
    Set<Digest> blobs = new HashSet<>();
    Deque<Digest> pending = new ArrayDeque<>();
    pending.push(root);
    while (!pending.isEmpty()) {
      Digest manifest = pending.pop();
      if (!manifests.add(manifest)) {
        continue; // cycles and shared children cost nothing more
      }
      blobs.add(manifest);
      Optional<ManifestSummary> summary = summaries.apply(manifest);
      if (summary.isEmpty()) {
        continue; // missing or unreadable: the manifest itself is all that is known
      }
      blobs.addAll(References.stored(summary.get()));
      for (ChildManifest child : summary.get().children()) {
        pending.push(child.descriptor().digest());
      }
    }
    Closure closure = toClosure(blobs, manifests);
    closures.put(root, closure);
    return closure;
  }

  /**
   * Numbers the blobs by the census; repeats (a layer listed twice) are counted once by the
   * callers' stamps.
   */
  private Closure toClosure(java.util.Collection<Digest> blobs, Set<Digest> manifests) {
    List<Digest> missing = List.of();
    int[] indexes = new int[blobs.size()];
    int n = 0;
    for (Digest blob : blobs) {
      int index = census.indexOf(blob);
      if (index >= 0) {
        indexes[n++] = index;
      } else {
        if (missing.isEmpty()) {
          missing = new ArrayList<>();
        }
        missing.add(blob);
      }
    }
    return new Closure(Arrays.copyOf(indexes, n), missing, manifests);
  }

  /**
   * Tags that registry 2.8's {@code --delete-untagged} would break: tags of an index with a child
   * (at any depth) that is a revision of the repository no tag names, which 2.8 deletes as
   * untagged.
   */
  private long brokenByDeleteUntagged(RepositoryRefs repository, Set<Digest> revisions) {
    Set<Digest> tagged = null;
    long broken = 0;
    for (Digest tag : repository.tags()) {
      Closure closure = closure(tag);
      if (closure.manifests().size() < 2 || !revisions.contains(tag)) {
        continue; // an image, or a tag the collector does not see
      }
      if (tagged == null) {
        tagged = new HashSet<>(repository.tags());
      }
      for (Digest manifest : closure.manifests()) {
        if (!manifest.equals(tag) && revisions.contains(manifest) && !tagged.contains(manifest)) {
          broken++;
          break;
        }
      }
    }
    return broken;
  }

  private Reclaimable sweep(BitSet marked) {
    List<Digest> blobs = new ArrayList<>();
    long bytes = 0;
    for (int blob = marked.nextClearBit(0);
        blob < census.count();
        blob = marked.nextClearBit(blob + 1)) {
      blobs.add(census.digest(blob));
      bytes += census.size(blob);
    }
    return new Reclaimable(blobs, bytes);
  }
}
