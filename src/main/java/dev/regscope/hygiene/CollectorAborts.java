package dev.regscope.hygiene;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.model.GcMode;
import dev.regscope.model.Withheld;
import dev.regscope.model.Withheld.Cause;
import dev.regscope.model.Withheld.Reason;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * When a garbage-collection preview is not a number: registry 2.8's collector would stop with an
 * error before deleting anything, or what it marks cannot be known from this scan. Pure.
 *
 * <p>2.8 marks repository by repository and fails the whole run on the first error: with {@code
 * --delete-untagged}, looking up the tags of a repository without {@code _manifests/tags/} ("failed
 * to retrieve tags unknown repository") or with a tag link that is not a digest; in both modes,
 * reading a manifest it marks that is empty, not JSON, over 4 MiB or of an unknown media type
 * ("failed to retrieve manifest for digest"). A revision whose blob is missing is skipped silently,
 * as 2.8 enumerates only revisions whose blob exists.
 */
final class CollectorAborts {
  /** Damage 2.8's manifest reader fails on too (checked against the real collector). */
  private static final Set<Damage> ABORTS =
      EnumSet.of(
          Damage.MANIFEST_EMPTY,
          Damage.MANIFEST_NOT_JSON,
          Damage.MANIFEST_TOO_LARGE,
          Damage.UNKNOWN_MEDIA_TYPE,
          Damage.READ_ERROR);

  private final Map<GcMode, Map<Reason, List<Cause>>> found = new LinkedHashMap<>();

  private CollectorAborts() {}

  /** Every reason each mode's preview is withheld, with its causes; empty when none is. */
  static List<Withheld> find(
      List<RepositoryRefs> repositories, ManifestLookup manifests, boolean censusComplete) {
    CollectorAborts aborts = new CollectorAborts();
    if (!censusComplete) {
      Cause cause = new Cause("blobs/", "part of the blob store could not be listed");
      aborts.add(GcMode.UNREFERENCED, Reason.BLOB_STORE_UNREADABLE, cause);
      aborts.add(GcMode.UNTAGGED, Reason.BLOB_STORE_UNREADABLE, cause);
    }
    for (RepositoryRefs repository : repositories) {
      aborts.check(repository, manifests);
    }
    List<Withheld> withheld = new ArrayList<>();
    aborts.found.forEach(
        (mode, reasons) ->
            reasons.forEach((reason, causes) -> withheld.add(new Withheld(mode, reason, causes))));
    return withheld;
  }

  private void check(RepositoryRefs repository, ManifestLookup manifests) {
    String name = repository.name();
    if (!repository.linksComplete()) {
      Cause cause = new Cause(name, "its revisions, tags or a tag link could not be read");
      add(GcMode.UNREFERENCED, Reason.LINKS_UNREADABLE, cause);
      add(GcMode.UNTAGGED, Reason.LINKS_UNREADABLE, cause);
    }
    Set<Digest> tagged = new HashSet<>();
    repository.tags().forEach(tag -> tagged.add(tag.digest()));
    boolean untaggedRevision = false;
    boolean enumerated = false;
    for (Digest revision : repository.revisions()) {
      Optional<Damage> unreadable = manifests.unreadable(revision);
      if (unreadable.isEmpty() && manifests.summary(revision).isEmpty()) {
        continue; // its blob is missing: 2.8 does not enumerate it
      }
      enumerated = true;
      boolean isTagged = tagged.contains(revision);
      untaggedRevision |= !isTagged;
      if (unreadable.isPresent()) {
        Reason reason =
            ABORTS.contains(unreadable.get())
                ? Reason.COLLECTOR_ABORTS
                : Reason.MANIFEST_UNREADABLE;
        Cause cause =
            new Cause(
                name,
                "manifest " + revision + " cannot be read (" + unreadable.get().label() + ")");
        add(GcMode.UNREFERENCED, reason, cause);
        if (isTagged) {
          add(GcMode.UNTAGGED, reason, cause);
        }
      }
    }
    if (untaggedRevision && !repository.hasTagsFolder()) {
      add(
          GcMode.UNTAGGED,
          Reason.COLLECTOR_ABORTS,
          new Cause(
              name,
              "has revisions but no _manifests/tags folder (pushed by digest only): 2.8 fails with"
                  + " 'failed to retrieve tags unknown repository'"));
    }
    if (enumerated && repository.badTagLinks()) {
      add(
          GcMode.UNTAGGED,
          Reason.COLLECTOR_ABORTS,
          new Cause(name, "a tag link is not a digest: 2.8 fails looking up its tags"));
    }
  }

  private void add(GcMode mode, Reason reason, Cause cause) {
    found
        .computeIfAbsent(mode, m -> new LinkedHashMap<>())
        .computeIfAbsent(reason, r -> new ArrayList<>())
        .add(cause);
  }
}
