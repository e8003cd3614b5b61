package dev.regscope.report;

import dev.regscope.model.BrokenTag;
import dev.regscope.model.PlatformStats;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The tag view of a scan: one row per tag with its digest, media type, size, layers and platforms
 * (what a registry operator's status lists per image), broken tags with their reason.
 */
public final class TagTable {
  private static final Map<String, String> SHORT_TYPES =
      Map.of(
          "application/vnd.docker.distribution.manifest.v2+json", "docker",
          "application/vnd.docker.distribution.manifest.list.v2+json", "docker-list",
          "application/vnd.oci.image.manifest.v1+json", "oci",
          "application/vnd.oci.image.index.v1+json", "oci-index",
          "application/vnd.docker.distribution.manifest.v1+json", "schema1",
          "application/vnd.docker.distribution.manifest.v1+prettyjws", "schema1");

  private TagTable() {}

  public static void write(Snapshot snapshot, PrintWriter out) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"REPOSITORY", "TAG", "DIGEST", "TYPE", "SIZE", "LAYERS", "PLATFORMS"});
    int broken = 0;
    for (RepositoryStats repository : snapshot.repositories()) {
      for (TagStats tag : repository.tags()) {
        rows.add(
            new String[] {
              repository.name(),
              tag.name(),
              shortDigest(tag.digest().toString()),
              SHORT_TYPES.getOrDefault(tag.mediaType(), tag.mediaType()),
              HumanBytes.format(tag.sizeBytes()),
              Long.toString(tag.layers()),
              tag.platforms().stream().map(PlatformStats::platform).collect(Collectors.joining(","))
            });
      }
      for (BrokenTag tag : repository.brokenTags()) {
        rows.add(
            new String[] {
              repository.name(), tag.name(), "-", "broken: " + tag.reason().label(), "-", "-", ""
            });
        broken++;
      }
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        String cell =
            i == 4 || i == 5 ? pad(row[i], widths[i], true) : pad(row[i], widths[i], false);
        line.append(i == 0 ? "" : "  ").append(cell);
      }
      out.println(line.toString().stripTrailing());
    }
    out.printf(
        "%n%s, %s (%d broken), %s, %s, scanned in %d ms%n",
        Plural.of(snapshot.repositories().size(), "repository", "repositories"),
        Plural.of(snapshot.tagCount(), "tag"),
        broken,
        Plural.of(snapshot.manifests(), "manifest"),
        Plural.of(snapshot.problems().size(), "problem"),
        snapshot.duration().toMillis());
    out.flush();
  }

  /** {@code sha256:} and the first 12 hex digits, as {@code docker images} shows them. */
  static String shortDigest(String digest) {
    int colon = digest.indexOf(':');
    return colon >= 0 && digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
  }

  private static String pad(String text, int width, boolean right) {
    String spaces = " ".repeat(width - text.length());
    return right ? spaces + text : text + spaces;
  }
}
