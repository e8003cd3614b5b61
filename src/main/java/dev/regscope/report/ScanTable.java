package dev.regscope.report;

import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The human view of a scan: one row per repository, largest first, and a totals line. */
public final class ScanTable {
  private ScanTable() {}

  public static void write(Snapshot snapshot, PrintWriter out) {
    List<RepositoryStats> rows = new ArrayList<>(snapshot.repositories());
    rows.sort(
        Comparator.comparingLong(RepositoryStats::taggedBytes)
            .reversed()
            .thenComparing(RepositoryStats::name));
    int width =
        Math.max(
            "REPOSITORY".length(), rows.stream().mapToInt(r -> r.name().length()).max().orElse(0));
    String format = "%-" + width + "s  %6s  %6s  %9s  %10s%n";
    out.printf(format, "REPOSITORY", "TAGS", "BROKEN", "REVISIONS", "TAGS SIZE");
    for (RepositoryStats r : rows) {
      out.printf(
          format,
          r.name(),
          r.tagCount(),
          r.brokenTags().size(),
          r.revisions(),
          HumanBytes.format(r.taggedBytes()));
    }
    long broken = rows.stream().mapToLong(r -> r.brokenTags().size()).sum();
    out.printf(
        "%n%s, %s (%d broken), %s, %s, scanned in %d ms%n",
        Plural.of(rows.size(), "repository", "repositories"),
        Plural.of(snapshot.tagCount(), "tag"),
        broken,
        Plural.of(snapshot.manifests(), "manifest"),
        Plural.of(snapshot.problems().size(), "problem"),
        snapshot.duration().toMillis());
    out.println(
        "TAGS SIZE adds up the size of every tag; layers shared between tags count once per tag.");
    out.flush();
  }
}
