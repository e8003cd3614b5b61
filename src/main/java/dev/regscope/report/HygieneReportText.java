package dev.regscope.report;

import dev.regscope.model.RepositoryStats;
import dev.regscope.model.StoreHygiene;
import dev.regscope.model.UploadStats;
import dev.regscope.report.HygieneReport.BrokenTagLine;
import dev.regscope.report.HygieneReport.UnpullableTagLine;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * {@code regscope report} as one screen of text: totals, what to delete, what garbage collection
 * frees, damage.
 */
public final class HygieneReportText {
  /** Broken tags listed one by one up to this many; the rest are counted. */
  static final int BROKEN_SHOWN = 20;

  private HygieneReportText() {}

  public static void write(HygieneReport report, PrintWriter out) {
    if (!report.coverage().revisions()) {
      writeTagsOnly(report, out);
      return;
    }
    HygieneReport.Totals totals = report.totals();
    StoreHygiene store = report.store();
    out.printf(
        "%s, %s (%d broken, %d unpullable), %s, %s",
        Plural.of(totals.repositories(), "repository", "repositories"),
        Plural.of(totals.tags(), "tag"),
        totals.brokenTags(),
        totals.unpullableTags(),
        Plural.of(totals.untaggedManifests(), "untagged manifest"),
        Plural.of(totals.referrers(), "referrer"));
    if (store.complete()) {
      out.printf(
          ", %s, %s%n", Plural.of(store.blobs(), "blob"), HumanBytes.format(store.blobBytes()));
    } else {
      out.printf(
          "%nthe blob store could not be read completely: blob totals and reclaimable space are unknown%n");
    }

    out.printf("%nLargest repositories by what deleting them would free:%n");
    out.printf("  %-40s %12s %12s %6s%n", "REPOSITORY", "EXCLUSIVE", "SIZE", "TAGS");
    for (RepositoryStats r : report.largest()) {
      out.printf(
          "  %-40s %12s %12s %6d%n",
          r.name(),
          HumanBytes.format(r.hygiene().exclusiveSizeBytes()),
          HumanBytes.format(r.hygiene().sizeBytes()),
          r.tagCount());
    }

    if (store.complete()) {
      GcReportText.write(report, out);
    }

    writeBroken(report, out);
    if (!report.unpullableTags().isEmpty()) {
      out.printf("%nTags that cannot be pulled (their manifests are served, a blob is not):%n");
      report.unpullableTags().stream()
          .limit(BROKEN_SHOWN)
          .forEach(
              (UnpullableTagLine u) ->
                  out.printf(
                      "  %s:%s  %s  (%s, first %s)%n",
                      u.repository(),
                      u.tag().name(),
                      u.tag().reason().label(),
                      Plural.of(u.tag().missing().size(), "blob"),
                      u.tag().missing().get(0)));
      if (report.unpullableTags().size() > BROKEN_SHOWN) {
        out.printf(
            "  ... and %d more (regscope report --format json lists all)%n",
            report.unpullableTags().size() - BROKEN_SHOWN);
      }
    }
    if (totals.missingBlobs() > 0) {
      out.printf(
          "%n%s that tags reference %s missing from the blob store.%n",
          Plural.of(totals.missingBlobs(), "blob"), totals.missingBlobs() == 1 ? "is" : "are");
    }

    if (!report.untagged().isEmpty()) {
      out.printf("%nUntagged manifests (freed by --delete-untagged):%n");
      for (RepositoryStats r : report.untagged()) {
        out.printf("  %-40s %6d%n", r.name(), r.hygiene().untaggedManifests());
      }
    }

    if (!report.staleUploads().isEmpty()) {
      out.printf(
          "%nUploads older than %d days (the registry purges these unless purging is off):%n",
          HygieneReport.STALE_UPLOAD.toDays());
      for (UploadStats u : report.staleUploads()) {
        long days = Duration.between(u.oldestStartedAt(), report.scannedAt()).toDays();
        out.printf(
            "  %-40s %s, %s, oldest %s%n",
            u.repository(),
            Plural.padded(u.count(), 3, "upload"),
            HumanBytes.format(u.bytes()),
            Plural.of(days, "day"));
      }
    }
    out.flush();
  }

  /**
   * A report from the registry's HTTP API: what its tags hold and what is broken; the rest needs
   * the storage.
   */
  private static void writeTagsOnly(HygieneReport report, PrintWriter out) {
    HygieneReport.Totals totals = report.totals();
    out.printf(
        "%s, %s (%d broken)%n",
        Plural.of(totals.repositories(), "repository", "repositories"),
        Plural.of(totals.tags(), "tag"),
        totals.brokenTags());
    out.printf("%nLargest repositories by the distinct blobs their tags reach:%n");
    out.printf("  %-40s %12s %6s%n", "REPOSITORY", "SIZE", "TAGS");
    for (RepositoryStats r : report.largest()) {
      out.printf(
          "  %-40s %12s %6d%n", r.name(), HumanBytes.format(r.hygiene().sizeBytes()), r.tagCount());
    }
    writeBroken(report, out);
    out.printf(
        "%nRead over the registry's HTTP API: what garbage collection would free, untagged"
            + " manifests, referrers, missing blobs and uploads need its storage (regscope report"
            + " STORAGE).%n");
    out.flush();
  }

  private static void writeBroken(HygieneReport report, PrintWriter out) {
    if (!report.brokenTags().isEmpty()) {
      out.printf("%nBroken tags (cannot be pulled):%n");
      report.brokenTags().stream()
          .limit(BROKEN_SHOWN)
          .forEach(
              (BrokenTagLine b) ->
                  out.printf("  %s:%s  %s%n", b.repository(), b.tag(), b.reason()));
      if (report.brokenTags().size() > BROKEN_SHOWN) {
        out.printf(
            "  ... and %d more (regscope report --format json lists all)%n",
            report.brokenTags().size() - BROKEN_SHOWN);
      }
    }
  }
}
