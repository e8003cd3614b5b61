package dev.regscope.hygiene;

import dev.regscope.core.Digest;
import dev.regscope.model.ReferrerKind;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The OCI 1.1 referrers of one repository (signatures, SBOMs, attestations): revisions with a
 * {@code subject}, and the children of a {@code sha256-<hex>} tag, the index the referrers tag
 * schema keeps for registries without the referrers API, such as 2.8.
 */
final class Referrers {
  /** The referrers tag schema: {@code sha256-<hex>} names the subject's digest. */
  private static final Pattern TAG_SCHEMA = Pattern.compile("(sha256)-([0-9a-f]{64})");

  /** Each referrer and the manifest it refers to. */
  private final Map<Digest, Digest> subjects = new HashMap<>();

  private final Map<Digest, ReferrerKind> kinds = new HashMap<>();

  Referrers(RepositoryRefs repository, Set<Digest> revisions, ManifestGraph graph) {
    for (Digest revision : repository.revisions()) {
      graph
          .summary(revision)
          .flatMap(summary -> summary.subject())
          .ifPresent(subject -> subjects.put(revision, subject.digest()));
    }
    for (TagRef tag : repository.tags()) {
      if (!isTagSchema(tag.name())) {
        continue;
      }
      var schema = TAG_SCHEMA.matcher(tag.name());
      schema.matches();
      Digest subject;
      try {
        subject = new Digest(schema.group(1), schema.group(2));
      } catch (IllegalArgumentException notADigest) {
        continue;
      }
      for (Digest child : graph.children(tag.digest())) {
        if (revisions.contains(child)) {
          subjects.putIfAbsent(child, subject);
        }
      }
    }
    subjects.keySet().forEach(r -> kinds.put(r, ReferrerKinds.of(graph.summary(r))));
  }

  /** Whether a tag is the referrers index of the tag schema rather than an image of its own. */
  static boolean isTagSchema(String tag) {
    // Most tags are not: a length and prefix test spares them the pattern.
    return tag.length() == 71 && tag.startsWith("sha256-") && TAG_SCHEMA.matcher(tag).matches();
  }

  boolean contains(Digest manifest) {
    return subjects.containsKey(manifest);
  }

  /** Every referrer, by kind. */
  Map<ReferrerKind, Long> byKind() {
    Map<ReferrerKind, Long> counts = new EnumMap<>(ReferrerKind.class);
    kinds.values().forEach(kind -> counts.merge(kind, 1L, Long::sum));
    return counts;
  }

  /**
   * The referrers 2.8's {@code --delete-untagged} would delete although their subject is an image a
   * tag reaches: no tag names them, so they count as untagged. By kind.
   */
  Map<ReferrerKind, Long> deletedByDeleteUntagged(Set<Digest> reachedByTags, Set<Digest> tagged) {
    Map<ReferrerKind, Long> counts = new EnumMap<>(ReferrerKind.class);
    subjects.forEach(
        (referrer, subject) -> {
          if (reachedByTags.contains(subject) && !tagged.contains(referrer)) {
            counts.merge(kinds.get(referrer), 1L, Long::sum);
          }
        });
    return counts;
  }
}
