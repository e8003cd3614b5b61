package dev.regscope.report;

import dev.regscope.model.GcMode;
import dev.regscope.model.ReferrerKind;
import dev.regscope.model.StoreHygiene;
import dev.regscope.model.Withheld;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * The garbage-collection part of {@code regscope report}: what each mode frees and the command, or
 * why that is not known (the collector would stop, or the scan could not read what it marks), and
 * what registry 2.8's {@code --delete-untagged} would break or delete.
 */
final class GcReportText {
  /** Causes of a withheld preview listed one by one up to this many; the rest are counted. */
  static final int CAUSES_SHOWN = 10;

  static final String CONFIG = "/etc/docker/registry/config.yml";

  private GcReportText() {}

  static void write(HygieneReport report, PrintWriter out) {
    StoreHygiene store = report.store();
    out.printf("%nGarbage collection would free:%n");
    mode(
        store,
        GcMode.UNREFERENCED,
        "no manifest references",
        "registry garbage-collect " + CONFIG,
        out);
    mode(
        store,
        GcMode.UNTAGGED,
        "no tag reaches (untagged manifests included)",
        "registry garbage-collect --delete-untagged " + CONFIG,
        out);
    if (report.deleteUntaggedBrokenTags() > 0) {
      out.printf(
          "  WARNING: registry 2.8's --delete-untagged also deletes the children of multi-platform images"
              + " (distribution#3178):%n  it would break %s. Run it only with a fixed registry version.%n",
          Plural.of(report.deleteUntaggedBrokenTags(), "tag"));
    }
    if (report.deleteUntaggedReferrerCount() > 0) {
      out.printf(
          "  WARNING: registry 2.8's --delete-untagged would also delete %s of tagged images (%s).%n",
          Plural.of(
              report.deleteUntaggedReferrerCount(),
              "signature, SBOM or other referrer",
              "signatures, SBOMs and other referrers"),
          byKind(report.deleteUntaggedReferrers()));
    }
    out.println("  Stop the registry or make it read-only while it collects.");
  }

  private static void mode(
      StoreHygiene store, GcMode mode, String what, String command, PrintWriter out) {
    if (store.previewed(mode)) {
      out.printf(
          "  %s in %s %s:%n      %s%n",
          HumanBytes.format(store.reclaimable(mode).bytes()),
          Plural.of(store.reclaimable(mode).blobs().size(), "blob"),
          what,
          command);
      return;
    }
    for (Withheld withheld : store.withheld()) {
      if (withheld.mode() != mode) {
        continue;
      }
      if (withheld.reason() == Withheld.Reason.COLLECTOR_ABORTS) {
        out.printf("  %s would stop with an error before deleting anything:%n", command);
      } else {
        out.printf(
            "  unknown for %s this scan (%s):%n",
            command, withheld.reason().label().replace('_', ' '));
      }
      List<Withheld.Cause> causes = withheld.causes();
      causes.stream()
          .limit(CAUSES_SHOWN)
          .forEach(cause -> out.printf("      %s: %s%n", cause.where(), cause.what()));
      if (causes.size() > CAUSES_SHOWN) {
        out.printf("      ... and %d more%n", causes.size() - CAUSES_SHOWN);
      }
    }
  }

  static String byKind(Map<ReferrerKind, Long> counts) {
    StringBuilder text = new StringBuilder();
    counts.forEach(
        (kind, count) -> {
          if (text.length() > 0) {
            text.append(", ");
          }
          text.append(count).append(' ').append(kind.label());
        });
    return text.toString();
  }
}
