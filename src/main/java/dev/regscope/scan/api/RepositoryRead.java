package dev.regscope.scan.api;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.hygiene.ReachableSize;
import dev.regscope.model.ApiError;
import dev.regscope.model.BrokenTag;
import dev.regscope.model.RepositoryHygiene;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.TagStats;
import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.ManifestHead;
import dev.regscope.registry.RegistryException;
import dev.regscope.scan.ImageResolver;
import dev.regscope.scan.TagCount;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One repository within one scan: its tag list, then each tag's digest ({@code HEAD}) and what it
 * counts for, then its stats. Tags are read in parallel; the first failed call marks the repository
 * failed and the rest of its tags are skipped.
 */
final class RepositoryRead {
  /** What reading the repository came to. */
  sealed interface Result {}

  record Read(RepositoryStats stats) implements Result {}

  record Failed(ApiError reason, String message, RegistryException cause) implements Result {}

  private final DistributionClient client;
  private final String name;
  private final ImageResolver resolver;
  private final ManifestMemo memo;
  private final Map<Digest, Long> declaredSizes;
  private final Map<String, TagCount> counted = new ConcurrentHashMap<>();
  private final Map<String, Digest> digests = new ConcurrentHashMap<>();
  private final AtomicReference<Failed> failure = new AtomicReference<>();
  private List<String> tags = List.of();

  RepositoryRead(
      DistributionClient client,
      String name,
      RemoteManifests manifests,
      ManifestMemo memo,
      Map<Digest, Long> declaredSizes) {
    this.client = client;
    this.name = name;
    this.resolver = new ImageResolver(manifests, manifests, manifests);
    this.memo = memo;
    this.declaredSizes = declaredSizes;
  }

  String name() {
    return name;
  }

  /**
   * Lists the tags and keeps those {@code selection} picks.
   *
   * @param named whether the repository was named rather than listed by the catalog: then a 404
   *     means it does not exist, where for a catalog entry it means it has no tags (registry 2.8)
   */
  void listTags(int pageSize, TagSelection selection, boolean named) throws RegistryException {
    try {
      tags = selection.select(client.allTags(name, pageSize));
    } catch (RegistryException e) {
      if (e.status().orElse(0) == 404 && !named) {
        tags = List.of();
        return;
      }
      throw e;
    }
  }

  List<String> tags() {
    return tags;
  }

  boolean failed() {
    return failure.get() != null;
  }

  /** Marks the repository failed by {@code cause}, unless it already failed. */
  void fail(RegistryException cause) {
    failure.compareAndSet(null, new Failed(ApiErrors.reason(cause), cause.getMessage(), cause));
  }

  Optional<Failed> failure() {
    return Optional.ofNullable(failure.get());
  }

  /** Reads one tag's digest and what it counts for; a failed call fails the repository. */
  void readTag(String tag) {
    if (failed()) {
      return;
    }
    try {
      Optional<ManifestHead> head = client.headManifest(name, tag);
      if (head.isEmpty()) {
        // Listed, but its manifest is not served: the registry's state, a broken tag, no problem.
        counted.put(tag, new TagCount.Broken(new BrokenTag(tag, Damage.MISSING_MANIFEST)));
        return;
      }
      Digest digest = head.get().digest();
      digests.put(tag, digest);
      counted.put(tag, resolver.count(tag, digest, () -> null));
    } catch (RegistryException e) {
      fail(e);
    } catch (ApiFailure e) {
      fail(e.failure());
    }
  }

  /** The stats of a repository every tag of which was read. */
  Read result() {
    List<TagStats> readable = new ArrayList<>();
    List<BrokenTag> broken = new ArrayList<>();
    for (String tag : tags) {
      TagCount count = counted.get(tag);
      if (count instanceof TagCount.Readable r) {
        readable.add(r.stats());
      } else if (count instanceof TagCount.Broken b) {
        broken.add(b.tag());
      }
    }
    readable.sort(Comparator.comparing(TagStats::name));
    broken.sort(Comparator.comparing(BrokenTag::name));
    long size =
        ReachableSize.of(
            digests.values(),
            memo::summary,
            digest -> {
              OptionalLong known = memo.size(digest);
              if (known.isPresent()) {
                return known;
              }
              Long declared = declaredSizes.get(digest);
              return declared == null ? OptionalLong.empty() : OptionalLong.of(declared);
            });
    return new Read(
        new RepositoryStats(name, 0, readable, broken, new RepositoryHygiene(size, 0, 0, 0, 0)));
  }
}
