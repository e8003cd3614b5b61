package dev.regscope.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regscope.model.Coverage;
import dev.regscope.model.GcMode;
import dev.regscope.model.Reclaimable;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.StoreHygiene;
import dev.regscope.model.UploadStats;
import dev.regscope.model.Withheld;
import java.io.IOException;
import java.io.Writer;

/**
 * {@code regscope report --format json}: the same report, complete (every broken tag), for scripts.
 */
public final class HygieneReportJson {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private HygieneReportJson() {}

  public static void write(HygieneReport report, Writer out) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("scannedAt", report.scannedAt().toString());
    Coverage coverage = report.coverage();
    root.putObject("coverage")
        .put("revisions", coverage.revisions())
        .put("blobStore", coverage.blobStore())
        .put("uploads", coverage.uploads());
    ObjectNode totals = root.putObject("totals");
    totals.put("repositories", report.totals().repositories());
    totals.put("tags", report.totals().tags());
    totals.put("brokenTags", report.totals().brokenTags());
    if (!coverage.revisions()) {
      ArrayNode largest = root.putArray("largestRepositories");
      for (RepositoryStats r : report.largest()) {
        largest
            .addObject()
            .put("repository", r.name())
            .put("sizeBytes", r.hygiene().sizeBytes())
            .put("tags", r.tagCount());
      }
      writeBroken(report, root);
      JSON.writeValue(out, root);
      return;
    }
    totals.put("unpullableTags", report.totals().unpullableTags());
    totals.put("untaggedManifests", report.totals().untaggedManifests());
    totals.put("referrers", report.totals().referrers());
    totals.put("missingBlobs", report.totals().missingBlobs());
    totals.put("blobStoreComplete", report.store().complete());
    totals.put("blobs", report.store().blobs());
    totals.put("blobBytes", report.store().blobBytes());
    ArrayNode largest = root.putArray("largestRepositories");
    for (RepositoryStats r : report.largest()) {
      largest
          .addObject()
          .put("repository", r.name())
          .put("exclusiveBytes", r.hygiene().exclusiveSizeBytes())
          .put("sizeBytes", r.hygiene().sizeBytes())
          .put("tags", r.tagCount());
    }
    ObjectNode gc = root.putObject("garbageCollection");
    gc.set(
        "unreferenced",
        mode(
            report.store(),
            GcMode.UNREFERENCED,
            "registry garbage-collect " + GcReportText.CONFIG));
    gc.set(
        "untagged",
        mode(
            report.store(),
            GcMode.UNTAGGED,
            "registry garbage-collect --delete-untagged " + GcReportText.CONFIG));
    gc.put("deleteUntaggedWouldBreakTags", report.deleteUntaggedBrokenTags());
    ObjectNode referrers = gc.putObject("deleteUntaggedWouldDeleteReferrers");
    report.deleteUntaggedReferrers().forEach((kind, count) -> referrers.put(kind.label(), count));
    writeBroken(report, root);
    ArrayNode unpullable = root.putArray("unpullableTags");
    for (var u : report.unpullableTags()) {
      ObjectNode tag =
          unpullable
              .addObject()
              .put("repository", u.repository())
              .put("tag", u.tag().name())
              .put("reason", u.tag().reason().label());
      ArrayNode failing = tag.putArray("failingBlobs");
      u.tag().missing().forEach(d -> failing.add(d.toString()));
    }
    ArrayNode untagged = root.putArray("untaggedManifests");
    report
        .untagged()
        .forEach(
            r ->
                untagged
                    .addObject()
                    .put("repository", r.name())
                    .put("count", r.hygiene().untaggedManifests()));
    ArrayNode uploads = root.putArray("staleUploads");
    for (UploadStats u : report.staleUploads()) {
      uploads
          .addObject()
          .put("repository", u.repository())
          .put("count", u.count())
          .put("bytes", u.bytes())
          .put("oldestStartedAt", u.oldestStartedAt().toString());
    }
    JSON.writeValue(out, root);
  }

  /** A mode's preview: blobs and bytes, or, where withheld, why, with the causes. */
  private static ObjectNode mode(StoreHygiene store, GcMode mode, String command) {
    ObjectNode node = JSON.createObjectNode();
    node.put("command", command);
    if (store.previewed(mode)) {
      Reclaimable reclaimable = store.reclaimable(mode);
      node.put("blobs", reclaimable.blobs().size()).put("bytes", reclaimable.bytes());
    }
    ArrayNode withheld = node.putArray("withheld");
    for (Withheld reason : store.withheld()) {
      if (reason.mode() != mode) {
        continue;
      }
      ObjectNode entry = withheld.addObject().put("reason", reason.reason().label());
      ArrayNode causes = entry.putArray("causes");
      reason
          .causes()
          .forEach(c -> causes.addObject().put("where", c.where()).put("what", c.what()));
    }
    return node;
  }

  private static void writeBroken(HygieneReport report, ObjectNode root) {
    ArrayNode broken = root.putArray("brokenTags");
    report
        .brokenTags()
        .forEach(
            b ->
                broken
                    .addObject()
                    .put("repository", b.repository())
                    .put("tag", b.tag())
                    .put("reason", b.reason())
                    .put("digest", b.digest()));
  }
}
