package dev.regscope.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regscope.model.Reclaimable;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.UploadStats;
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
    ObjectNode totals = root.putObject("totals");
    totals.put("repositories", report.totals().repositories());
    totals.put("tags", report.totals().tags());
    totals.put("brokenTags", report.totals().brokenTags());
    totals.put("untaggedManifests", report.totals().untaggedManifests());
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
        reclaimable(
            report.store().unreferenced(),
            "registry garbage-collect /etc/docker/registry/config.yml"));
    gc.set(
        "untagged",
        reclaimable(
            report.store().untagged(),
            "registry garbage-collect --delete-untagged /etc/docker/registry/config.yml"));
    gc.put("deleteUntaggedWouldBreakTags", report.deleteUntaggedBrokenTags());
    ArrayNode broken = root.putArray("brokenTags");
    report
        .brokenTags()
        .forEach(
            b ->
                broken
                    .addObject()
                    .put("repository", b.repository())
                    .put("tag", b.tag())
                    .put("reason", b.reason()));
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

  private static ObjectNode reclaimable(Reclaimable reclaimable, String command) {
    ObjectNode node = JSON.createObjectNode();
    node.put("blobs", reclaimable.blobs().size())
        .put("bytes", reclaimable.bytes())
        .put("command", command);
    return node;
  }
}
