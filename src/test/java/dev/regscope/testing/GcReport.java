package dev.regscope.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one run of {@code registry garbage-collect} printed, read back as data: the manifests it
 * marked in each repository with the blobs it marked for each, the manifests it found untagged
 * (with {@code --delete-untagged}), the blobs it found unmarked, and its summary line. This is the
 * reference regscope's own reachability answer is compared with.
 *
 * <p>{@code marks} maps each repository the collector walked (in 2.8 those of the catalog, the
 * folders holding {@code _layers}; a folder with only {@code _uploads} is not walked) to its marked
 * manifests, and each of those to the digests of its {@code marking blob} lines, in output order:
 * config and layers for an image, the child manifests for an index or manifest list.
 */
public record GcReport(
    Map<String, Map<String, List<String>>> marks,
    Set<EligibleManifest> eligibleManifests,
    Set<String> eligibleBlobs,
    Summary summary) {

  /**
   * An untagged revision the collector would delete; 2.8 prints no repository on the line, the
   * parser infers it.
   */
  public record EligibleManifest(String repository, String digest)
      implements Comparable<EligibleManifest> {
    private static final Comparator<EligibleManifest> ORDER =
        Comparator.comparing(EligibleManifest::repository).thenComparing(EligibleManifest::digest);

    public EligibleManifest {
      Objects.requireNonNull(repository, "repository");
      Objects.requireNonNull(digest, "digest");
    }

    @Override
    public int compareTo(EligibleManifest other) {
      return ORDER.compare(this, other);
    }
  }

  /** The line {@code N blobs marked, M blobs and K manifests eligible for deletion}. */
  public record Summary(int blobsMarked, int blobsEligible, int manifestsEligible) {}

  public GcReport {
    // Sorted copies, so that an assertion failure prints both sides in the same order.
    SortedMap<String, Map<String, List<String>>> copy = new TreeMap<>();
    marks.forEach(
        (repo, manifests) -> {
          SortedMap<String, List<String>> refs = new TreeMap<>();
          manifests.forEach((manifest, blobs) -> refs.put(manifest, List.copyOf(blobs)));
          copy.put(repo, Collections.unmodifiableSortedMap(refs));
        });
    marks = Collections.unmodifiableSortedMap(copy);
    eligibleManifests = Collections.unmodifiableSortedSet(new TreeSet<>(eligibleManifests));
    eligibleBlobs = Collections.unmodifiableSortedSet(new TreeSet<>(eligibleBlobs));
    Objects.requireNonNull(summary, "summary");
    // The collector's summary counts distinct digests: one mark set for all repositories, one
    // delete set.
    Summary counted =
        new Summary(markedDigests(marks).size(), eligibleBlobs.size(), eligibleManifests.size());
    if (!counted.equals(summary)) {
      throw new IllegalArgumentException(
          "summary "
              + summary
              + " disagrees with the marks and eligible digests, which"
              + " count "
              + counted);
    }
  }

  /**
   * Parses the stdout of {@code garbage-collect [--delete-untagged] [--dry-run]}; a real run prints
   * the same.
   */
  public static GcReport parse(String stdout) {
    return GcOutputParser.parse(stdout);
  }

  /** Every repository the collector walked, including those where it marked nothing. */
  public Set<String> repositories() {
    return marks.keySet();
  }

  /**
   * The manifests marked in each repository: its revisions, or only its tagged ones with {@code
   * --delete-untagged}.
   */
  public SortedMap<String, SortedSet<String>> markedManifests() {
    SortedMap<String, SortedSet<String>> byRepo = new TreeMap<>();
    marks.forEach(
        (repo, manifests) ->
            byRepo.put(repo, Collections.unmodifiableSortedSet(new TreeSet<>(manifests.keySet()))));
    return Collections.unmodifiableSortedMap(byRepo);
  }

  /**
   * The blobs marked in each repository: what its marked manifests reference (child manifests of an
   * index too).
   */
  public SortedMap<String, SortedSet<String>> markedBlobs() {
    SortedMap<String, SortedSet<String>> byRepo = new TreeMap<>();
    marks.forEach(
        (repo, manifests) -> {
          SortedSet<String> blobs = new TreeSet<>();
          manifests.values().forEach(blobs::addAll);
          byRepo.put(repo, Collections.unmodifiableSortedSet(blobs));
        });
    return Collections.unmodifiableSortedMap(byRepo);
  }

  /** Every digest marked as a manifest or a blob in any repository: what the sweep keeps. */
  public SortedSet<String> markedDigests() {
    return Collections.unmodifiableSortedSet(markedDigests(marks));
  }

  /** The digests of {@link #eligibleManifests()}, whatever their repository. */
  public SortedSet<String> eligibleManifestDigests() {
    SortedSet<String> digests = new TreeSet<>();
    eligibleManifests.forEach(m -> digests.add(m.digest()));
    return Collections.unmodifiableSortedSet(digests);
  }

  /**
   * The untagged manifests the collector would delete, by repository; repositories with none are
   * left out.
   */
  public SortedMap<String, SortedSet<String>> eligibleManifestsByRepository() {
    SortedMap<String, SortedSet<String>> byRepo = new TreeMap<>();
    eligibleManifests.forEach(
        m -> byRepo.computeIfAbsent(m.repository(), r -> new TreeSet<>()).add(m.digest()));
    byRepo.replaceAll((repo, digests) -> Collections.unmodifiableSortedSet(digests));
    return Collections.unmodifiableSortedMap(byRepo);
  }

  /**
   * The bytes the sweep would free: the sizes of {@code blobs/sha256/<2>/<hex>/data} of every
   * eligible blob under the filesystem driver's {@code rootdirectory}. Read it before a real run
   * deletes them.
   */
  public long eligibleBytes(Path storageRoot) {
    long bytes = 0;
    for (String digest : eligibleBlobs) {
      bytes += blobSize(storageRoot, digest);
    }
    return bytes;
  }

  /** The data file of blob {@code digest} under the driver's {@code rootdirectory}. */
  public static Path blobData(Path storageRoot, String digest) {
    if (!digest.matches("sha256:[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a sha256 digest: " + digest);
    }
    String hex = digest.substring("sha256:".length());
    return storageRoot
        .resolve("docker/registry/v2/blobs/sha256")
        .resolve(hex.substring(0, 2))
        .resolve(hex)
        .resolve("data");
  }

  private static long blobSize(Path storageRoot, String digest) {
    Path data = blobData(storageRoot, digest);
    try {
      return Files.size(data);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the size of eligible blob " + digest + ": " + data, e);
    }
  }

  /**
   * This {@code --delete-untagged} report as 2.8 would print it if it kept the children of tagged
   * indexes (distribution#3178): the answer a collector that treats an index's children as part of
   * the tagged image gives, derived from the collector's own lines only. {@code unreferenced} must
   * be the plain {@code --dry-run} report of the same, unchanged storage; see {@link
   * IndexChildrenKept} for the derivation.
   *
   * @throws IllegalArgumentException when the two reports cannot come from the same storage
   */
  public GcReport untaggedKeepingIndexChildren(GcReport unreferenced) {
    return IndexChildrenKept.derive(this, unreferenced);
  }

  private static SortedSet<String> markedDigests(Map<String, Map<String, List<String>>> marks) {
    SortedSet<String> digests = new TreeSet<>();
    marks
        .values()
        .forEach(
            manifests ->
                manifests.forEach(
                    (manifest, blobs) -> {
                      digests.add(manifest);
                      digests.addAll(blobs);
                    }));
    return digests;
  }

  /**
   * A readable listing for assertion messages: what each repository marked, then what is eligible.
   */
  public String describe() {
    StringBuilder text = new StringBuilder();
    marks.forEach(
        (repo, manifests) -> {
          text.append(repo).append('\n');
          manifests.forEach(
              (manifest, blobs) -> {
                text.append("  manifest ").append(manifest).append('\n');
                blobs.forEach(blob -> text.append("    blob ").append(blob).append('\n'));
              });
        });
    Set<String> lines = new LinkedHashSet<>();
    eligibleManifests.forEach(
        m -> lines.add("eligible manifest " + m.repository() + "@" + m.digest()));
    eligibleBlobs.forEach(b -> lines.add("eligible blob " + b));
    lines.forEach(line -> text.append(line).append('\n'));
    return text.append(summary).toString();
  }
}
