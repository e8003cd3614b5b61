package dev.regscope.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.core.Digest;
import dev.regscope.metrics.SeriesFilter;
import dev.regscope.model.PlatformStats;
import dev.regscope.model.RepositoryHygiene;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.StoreHygiene;
import dev.regscope.model.TagStats;
import dev.regscope.model.UnpullableTag;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What must hold for every tree (issue 10, point 3), checked on any snapshot: the untagged mode
 * reclaims at least what the unreferenced one does; every blob is either kept by a tag or
 * reclaimable; a tag's platform series add up to its totals; and the numbers fit together.
 */
public final class HygieneInvariants {
  private HygieneInvariants() {}

  /** Checks every invariant; {@code where} names the tree in a failure message. */
  public static void check(Snapshot snapshot, String where) {
    StoreHygiene store = snapshot.store();
    Set<Digest> untagged = new HashSet<>(store.untagged().blobs());
    assertThat(untagged)
        .as("%s: the untagged mode reclaims what the unreferenced one does", where)
        .containsAll(store.unreferenced().blobs());
    assertThat(store.untagged().bytes())
        .as(where)
        .isGreaterThanOrEqualTo(store.unreferenced().bytes());
    if (store.complete()) {
      assertThat(store.reachableBlobs() + store.untagged().blobs().size())
          .as("%s: every blob is kept by a tag or reclaimable, never both", where)
          .isEqualTo(store.blobs());
      assertThat(store.reachableBytes() + store.untagged().bytes())
          .as("%s: and so are their bytes", where)
          .isEqualTo(store.blobBytes());
    }

    long sizes = 0;
    long exclusive = 0;
    for (RepositoryStats repository : snapshot.repositories()) {
      String at = where + ": " + repository.name();
      RepositoryHygiene hygiene = repository.hygiene();
      sizes += hygiene.sizeBytes();
      exclusive += hygiene.exclusiveSizeBytes();
      assertThat(hygiene.sizeBytes())
          .as("%s: kept by its tags, so within what all tags keep", at)
          .isLessThanOrEqualTo(store.reachableBytes());
      assertThat(hygiene.untaggedManifests() + hygiene.referrerCount())
          .as("%s: untagged manifests and referrers are revisions", at)
          .isLessThanOrEqualTo(repository.revisions());
      Set<String> readable = new HashSet<>();
      for (TagStats tag : repository.tags()) {
        readable.add(tag.name());
        if (!tag.platforms().isEmpty()) {
          assertThat(tag.platforms().stream().mapToLong(PlatformStats::layers).sum())
              .as("%s:%s platform layers add up", at, tag.name())
              .isEqualTo(tag.layers());
          assertThat(tag.platforms().stream().mapToLong(PlatformStats::sizeBytes).sum())
              .as("%s:%s platform sizes add up", at, tag.name())
              .isEqualTo(tag.sizeBytes());
        }
      }
      repository
          .brokenTags()
          .forEach(
              broken ->
                  assertThat(readable)
                      .as("%s: a broken tag is not also readable", at)
                      .doesNotContain(broken.name()));
      long indexTags = repository.tags().stream().filter(t -> !t.platforms().isEmpty()).count();
      for (UnpullableTag tag : hygiene.unpullableTags()) {
        assertThat(readable).as("%s: an unpullable tag keeps its series", at).contains(tag.name());
        assertThat(tag.missing()).as(at).isNotEmpty();
      }
      assertThat(hygiene.deleteUntaggedBrokenTags())
          .as("%s: only index tags can break", at)
          .isLessThanOrEqualTo(indexTags);
    }
    if (store.complete()) {
      assertThat(sizes)
          .as("%s: every kept blob is counted by a repository", where)
          .isGreaterThanOrEqualTo(store.reachableBytes());
      assertThat(exclusive)
          .as("%s: exclusive blobs are marked, by one repository each", where)
          .isLessThanOrEqualTo(store.blobBytes() - store.unreferenced().bytes());
    }

    Map<String, Double> metrics = PromText.of(snapshot, SeriesFilter.ALL);
    for (RepositoryStats repository : snapshot.repositories()) {
      long infos =
          metrics.keySet().stream()
              .filter(k -> k.startsWith("repository_tag_info{"))
              .filter(k -> k.contains("repository=\"" + repository.name() + "\""))
              .count();
      assertThat(infos)
          .as("%s: %s has an info series per tag, broken ones too", where, repository.name())
          .isEqualTo(repository.tagCount());
    }
  }
}
