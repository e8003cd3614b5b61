package dev.regscope.hygiene;

import dev.regscope.core.BlobCensus;
import dev.regscope.core.Digest;
import dev.regscope.model.Reclaimable;
import dev.regscope.model.RepositoryHygiene;
import dev.regscope.model.StoreHygiene;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Decides, the way registry 2.8's mark-and-sweep collector does, which blobs a garbage collection
 * would delete, and what each repository costs. Pure: fed the blob census, each repository's
 * revisions, tags and layer links, and the manifests.
 *
 * <p>Mode "unreferenced" is {@code garbage-collect}: every revision with a link file is marked with
 * the blobs its manifest references (an index references its children, which are revisions of their
 * own); every other blob is swept. Mode "untagged" is {@code --delete-untagged} done right: only
 * what tags keep is marked, children of tagged indexes included when they are revisions of the
 * tag's repository. Registry 2.8 deletes those children too (distribution#3178); the tags that
 * would break are counted instead. When 2.8's collector would stop with an error, or what it marks
 * cannot be known, the mode's preview is withheld ({@link CollectorAborts}).
 *
 * <p>Blobs are numbered by the census, and what a manifest marks or reaches is worked out once per
 * manifest, then reused by every tag and repository naming it. Repositories are worked on in
 * parallel.
 */
public final class GarbageCollection {
  /** The result: store-wide numbers, and per repository by name. */
  public record Result(StoreHygiene store, Map<String, RepositoryHygiene> repositories) {}

  private final BlobCensus census;
  private final ManifestLookup manifests;
  private final ManifestGraph graph;

  /**
   * Stamp arrays free for the next chunk of repositories: one per thread at work, not one per
   * chunk.
   */
  private final Queue<Stamps> freeStamps = new ConcurrentLinkedQueue<>();

  /**
   * Which repository last counted a blob, so a blob reached twice in one repository counts once.
   * Each thread has its own while it works on a chunk of repositories.
   */
  static final class Stamps {
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

  private GarbageCollection(BlobCensus census, ManifestLookup manifests, int revisions) {
    this.census = census;
    this.manifests = manifests;
    this.graph = new ManifestGraph(census, manifests, revisions);
  }

  /**
   * @param repositories every repository of the store, whatever a filter exports: marking reads
   *     them all
   * @param manifests looked up from several threads at once
   */
  public static Result compute(
      BlobCensus census, List<RepositoryRefs> repositories, ManifestLookup manifests) {
    int revisions = repositories.stream().mapToInt(r -> r.revisions().size()).sum();
    return new GarbageCollection(census, manifests, revisions).run(repositories);
  }

  private Result run(List<RepositoryRefs> repositories) {
    int count = repositories.size();
    // Repositories are independent until their marks are merged: a large registry's thousands of
    // them are worked on by every core, which takes this pass off the critical path of a first
    // scan.
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
                new RepositoryPass(graph, repositories.get(r))
                    .run(markedPerRepository[r], repositoriesMarking, stamps, stamps.keptByTags));
    BitSet markedByTags = new BitSet(census.count());
    freeStamps.forEach(stamps -> markedByTags.or(stamps.keptByTags));

    Map<String, RepositoryHygiene> perRepository = new HashMap<>();
    for (int r = 0; r < count; r++) {
      perRepository.put(repositories.get(r).name(), hygiene[r]);
    }
    long reachableBytes = 0;
    for (int blob = markedByTags.nextSetBit(0);
        blob >= 0;
        blob = markedByTags.nextSetBit(blob + 1)) {
      reachableBytes += census.size(blob);
    }
    StoreHygiene store =
        new StoreHygiene(
            census.count(),
            census.totalBytes(),
            sweep(markedByRevisions),
            sweep(markedByTags),
            markedByTags.cardinality(),
            reachableBytes,
            census.complete(),
            CollectorAborts.find(repositories, manifests, census.complete()));
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
      for (int blob : graph.marks(revision)) {
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

  /** The blobs not marked, with their bytes. */
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
