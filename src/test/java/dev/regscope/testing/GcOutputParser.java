package dev.regscope.testing;

import dev.regscope.testing.GcReport.EligibleManifest;
import dev.regscope.testing.GcReport.Summary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the stdout of 2.8's {@code garbage-collect} into a {@link GcReport}, line by line and
 * strictly: a line it does not know, or a summary that does not count what the lines listed, means
 * the output changed shape and the comparison built on it cannot be trusted.
 *
 * <p>The shape, as 2.8.2 prints it: for each repository a line with its bare name, then for each
 * revision in digest order either {@code <repo>: marking manifest <digest> } (with a trailing
 * space) followed by a {@code <repo>: marking blob <digest>} line per reference, or, with {@code
 * --delete-untagged} and no tag naming it, {@code manifest eligible for deletion: <digest>} (no
 * repository: it belongs to the last name line). Then an empty line, {@code N blobs marked, M blobs
 * and K manifests eligible for deletion}, and {@code blob eligible for deletion: <digest>} lines in
 * map order.
 */
final class GcOutputParser {
  private static final String DIGEST = "(sha256:[0-9a-f]{64})";
  // A repository name as the reference grammar allows it: lower-case components joined by '/'.
  private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final String NAME = "(" + COMPONENT + "(?:/" + COMPONENT + ")*)";
  private static final Pattern REPOSITORY = Pattern.compile(NAME);
  private static final Pattern MARK_MANIFEST =
      Pattern.compile(NAME + ": marking manifest " + DIGEST + " ?");
  private static final Pattern MARK_BLOB = Pattern.compile(NAME + ": marking blob " + DIGEST);
  private static final Pattern ELIGIBLE_MANIFEST =
      Pattern.compile("manifest eligible for deletion: " + DIGEST);
  private static final Pattern SUMMARY =
      Pattern.compile(
          "(\\d+) blobs marked, (\\d+) blobs and (\\d+) manifests eligible for deletion");
  private static final Pattern ELIGIBLE_BLOB =
      Pattern.compile("blob eligible for deletion: " + DIGEST);

  private final String output;
  private final Map<String, Map<String, List<String>>> marks = new LinkedHashMap<>();
  private final Set<EligibleManifest> eligibleManifests = new LinkedHashSet<>();
  private final Set<String> eligibleBlobs = new LinkedHashSet<>();
  private int eligibleManifestLines;
  private int eligibleBlobLines;
  private String repository;
  private List<String> manifestBlobs;
  private Summary summary;

  private GcOutputParser(String output) {
    this.output = output;
  }

  static GcReport parse(String stdout) {
    return new GcOutputParser(stdout).parse();
  }

  private GcReport parse() {
    String[] lines = output.split("\n", -1);
    int end = lines.length;
    if (end > 0 && lines[end - 1].isEmpty()) {
      end--; // the final newline
    }
    for (int i = 0; i < end; i++) {
      read(i + 1, lines[i]);
    }
    if (summary == null) {
      throw error(
          0, "no summary line (N blobs marked, M blobs and K manifests eligible for deletion)");
    }
    // The distinct marks are counted when the report is built; the eligible lines are counted here,
    // duplicates too.
    if (summary.blobsEligible() != eligibleBlobLines
        || summary.manifestsEligible() != eligibleManifestLines) {
      throw error(
          0,
          "the summary "
              + summary
              + " does not count the eligible lines: "
              + eligibleBlobLines
              + " blobs, "
              + eligibleManifestLines
              + " manifests");
    }
    try {
      return new GcReport(new LinkedHashMap<>(marks), eligibleManifests, eligibleBlobs, summary);
    } catch (IllegalArgumentException e) {
      throw error(0, e.getMessage());
    }
  }

  private void read(int number, String line) {
    if (summary != null) {
      readSweep(number, line);
    } else if (line.isEmpty()) {
      repository = null; // the empty line that opens the summary
    } else if (line.startsWith("manifest eligible for deletion: ")) {
      Matcher m = matched(ELIGIBLE_MANIFEST, number, line);
      if (repository == null) {
        throw error(number, "an eligible manifest before any repository line");
      }
      eligibleManifestLines++;
      if (!eligibleManifests.add(new EligibleManifest(repository, m.group(1)))) {
        throw error(number, "the same manifest twice in " + repository);
      }
      manifestBlobs = null;
    } else if (line.contains(": marking manifest ")) {
      Matcher m = matched(MARK_MANIFEST, number, line);
      inRepository(number, m.group(1));
      manifestBlobs = new ArrayList<>();
      if (marks.get(repository).put(m.group(2), manifestBlobs) != null) {
        throw error(number, "the same manifest marked twice in " + repository);
      }
    } else if (line.contains(": marking blob ")) {
      Matcher m = matched(MARK_BLOB, number, line);
      inRepository(number, m.group(1));
      if (manifestBlobs == null) {
        throw error(number, "a marked blob that follows no marked manifest");
      }
      manifestBlobs.add(m.group(2));
    } else if (SUMMARY.matcher(line).matches()) {
      Matcher m = matched(SUMMARY, number, line);
      summary =
          new Summary(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)));
    } else {
      Matcher m = matched(REPOSITORY, number, line);
      if (marks.containsKey(m.group(1))) {
        throw error(number, "repository " + m.group(1) + " walked twice");
      }
      repository = m.group(1);
      marks.put(repository, new LinkedHashMap<>());
      manifestBlobs = null;
    }
  }

  private void readSweep(int number, String line) {
    Matcher m = matched(ELIGIBLE_BLOB, number, line);
    eligibleBlobLines++;
    if (!eligibleBlobs.add(m.group(1))) {
      throw error(number, "the same blob eligible twice");
    }
  }

  private void inRepository(int number, String named) {
    if (!named.equals(repository)) {
      throw error(number, "a line for " + named + " inside the lines of " + repository);
    }
  }

  private Matcher matched(Pattern pattern, int number, String line) {
    Matcher m = pattern.matcher(line);
    if (!m.matches()) {
      throw error(number, "unexpected line '" + line + "'");
    }
    return m;
  }

  private IllegalArgumentException error(int number, String problem) {
    String where = number > 0 ? "line " + number + ": " : "";
    return new IllegalArgumentException(where + problem + " in garbage-collect output:\n" + output);
  }
}
