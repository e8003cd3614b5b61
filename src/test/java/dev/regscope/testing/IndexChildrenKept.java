package dev.regscope.testing;

import dev.regscope.testing.GcReport.EligibleManifest;
import dev.regscope.testing.GcReport.Summary;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Derives, from a {@code --delete-untagged} report and a plain report of the same storage, what
 * 2.8's untagged collection would find if it kept the children of tagged indexes
 * (distribution#3178): the reference for a regscope answer that does not repeat 2.8's bug. Only the
 * collector's own lines are used.
 *
 * <p>Why the lines are enough:
 *
 * <ul>
 *   <li>The plain run marks every revision of every repository ({@code <repo>: marking manifest})
 *       and, after each, exactly what that manifest references ({@code <repo>: marking blob}):
 *       config and layers for an image, the {@code manifests[].digest} entries for an index or
 *       manifest list (2.8's {@code References()}). That is the whole manifest-to-blob graph of
 *       each repository.
 *   <li>The registry refuses an index whose children are not manifests of the same repository, so
 *       each child is itself a revision there (marked in the plain run), while an image's config
 *       and layers never are. Hence <em>the children of a manifest are its references that are
 *       revisions of its repository</em>; no JSON needs to be read, and nested indexes are followed
 *       the same way.
 *   <li>The untagged run marks exactly the revisions a tag's {@code current/link} names, with their
 *       references, and lists every other revision as {@code manifest eligible for deletion} after
 *       its repository's name line. Its eligible blobs are all blobs minus its marks.
 * </ul>
 *
 * So the kept manifests of a repository are its tagged manifests plus, transitively, their
 * children; the marks are those manifests with their references from the plain run; the eligible
 * manifests are the untagged run's minus the kept ones; the eligible blobs are the untagged run's
 * minus the new marks (the marks only grow, so nothing else becomes eligible). A blob referenced by
 * a kept child and also by a dropped manifest stays kept; a blob referenced only by the children
 * stops being eligible.
 *
 * <p>If a child's revision link was deleted by digest while its index stays tagged, the child is no
 * revision: it stays a plain blob the index marks, and its layers are eligible in both runs, as the
 * collector has them.
 */
final class IndexChildrenKept {

  private IndexChildrenKept() {}

  static GcReport derive(GcReport untagged, GcReport unreferenced) {
    checkSameStorage(untagged, unreferenced);
    SortedMap<String, SortedSet<String>> revisions = unreferenced.markedManifests();
    Map<String, Map<String, List<String>>> marks = new TreeMap<>();
    untagged
        .markedManifests()
        .forEach(
            (repo, tagged) -> {
              Map<String, List<String>> graph = unreferenced.marks().get(repo);
              Map<String, List<String>> kept = new TreeMap<>();
              Deque<String> pending = new ArrayDeque<>(tagged);
              while (!pending.isEmpty()) {
                String manifest = pending.pop();
                if (kept.containsKey(manifest)) {
                  continue;
                }
                List<String> references = graph.get(manifest);
                kept.put(manifest, references);
                references.stream().filter(revisions.get(repo)::contains).forEach(pending::push);
              }
              marks.put(repo, kept);
            });

    Set<EligibleManifest> manifests = new LinkedHashSet<>();
    for (EligibleManifest m : untagged.eligibleManifests()) {
      if (!marks.get(m.repository()).containsKey(m.digest())) {
        manifests.add(m);
      }
    }
    Set<String> marked = new TreeSet<>();
    marks
        .values()
        .forEach(
            kept ->
                kept.forEach(
                    (manifest, blobs) -> {
                      marked.add(manifest);
                      marked.addAll(blobs);
                    }));
    Set<String> blobs = new TreeSet<>(untagged.eligibleBlobs());
    blobs.removeAll(marked);
    return new GcReport(
        marks,
        new TreeSet<>(manifests),
        new TreeSet<>(blobs),
        new Summary(marked.size(), blobs.size(), manifests.size()));
  }

  /** The two reports must be of one unchanged storage, else the derivation mixes two states. */
  private static void checkSameStorage(GcReport untagged, GcReport unreferenced) {
    if (!untagged.repositories().equals(unreferenced.repositories())) {
      throw mismatch(
          "the repositories differ: "
              + untagged.repositories()
              + " vs "
              + unreferenced.repositories());
    }
    SortedMap<String, SortedSet<String>> dropped = untagged.eligibleManifestsByRepository();
    for (String repo : unreferenced.repositories()) {
      Set<String> tagged = untagged.markedManifests().get(repo);
      Set<String> untaggedOnes = dropped.getOrDefault(repo, new TreeSet<>());
      Set<String> both = new TreeSet<>(tagged);
      both.addAll(untaggedOnes);
      if (both.size() != tagged.size() + untaggedOnes.size()
          || !both.equals(unreferenced.markedManifests().get(repo))) {
        throw mismatch(
            "in "
                + repo
                + " the tagged "
                + tagged
                + " and untagged "
                + untaggedOnes
                + " manifests are not the revisions "
                + unreferenced.markedManifests().get(repo));
      }
      for (String manifest : tagged) {
        List<String> refs = untagged.marks().get(repo).get(manifest);
        if (!refs.equals(unreferenced.marks().get(repo).get(manifest))) {
          throw mismatch(
              "manifest "
                  + manifest
                  + " in "
                  + repo
                  + " references different blobs in the two reports");
        }
      }
    }
    if (!untagged.eligibleBlobs().containsAll(unreferenced.eligibleBlobs())) {
      throw mismatch("a blob eligible without --delete-untagged is not eligible with it");
    }
  }

  private static IllegalArgumentException mismatch(String problem) {
    return new IllegalArgumentException(
        "the --delete-untagged and plain reports are not of the same storage: " + problem);
  }
}
