package dev.regscope.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regscope.model.BrokenTag;
import dev.regscope.model.PlatformStats;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.ScanProblem;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.model.UnpullableTag;
import java.io.IOException;
import java.io.Writer;

/**
 * The script view of a scan: every repository, tag, broken and unpullable tag and problem, as
 * stable JSON.
 */
public final class ScanJson {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ScanJson() {}

  public static void write(Snapshot snapshot, Writer out) throws IOException {
    JSON.writeValue(out, toJson(snapshot));
  }

  static ObjectNode toJson(Snapshot snapshot) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode scan = root.putObject("scan");
    scan.put("finishedAt", snapshot.finishedAt().toString());
    scan.put("durationSeconds", snapshot.duration().toNanos() / 1e9);
    scan.put("repositories", snapshot.repositories().size());
    scan.put("tags", snapshot.tagCount());
    scan.put("manifests", snapshot.manifests());
    ArrayNode repositories = root.putArray("repositories");
    for (RepositoryStats r : snapshot.repositories()) {
      ObjectNode repository = repositories.addObject();
      repository.put("name", r.name());
      repository.put("revisions", r.revisions());
      ArrayNode tags = repository.putArray("tags");
      for (TagStats t : r.tags()) {
        ObjectNode tag = tags.addObject();
        tag.put("name", t.name());
        tag.put("digest", t.digest().toString());
        tag.put("mediaType", t.mediaType());
        tag.put("layers", t.layers());
        tag.put("sizeBytes", t.sizeBytes());
        ArrayNode platforms = tag.putArray("platforms");
        for (PlatformStats p : t.platforms()) {
          platforms
              .addObject()
              .put("platform", p.platform())
              .put("layers", p.layers())
              .put("sizeBytes", p.sizeBytes());
        }
      }
      ArrayNode broken = repository.putArray("brokenTags");
      for (BrokenTag b : r.brokenTags()) {
        ObjectNode tag = broken.addObject().put("name", b.name()).put("reason", b.reason().label());
        if (b.digest() != null) {
          tag.put("digest", b.digest().toString());
        }
        if (b.mediaType() != null) {
          tag.put("mediaType", b.mediaType());
        }
      }
      ArrayNode unpullable = repository.putArray("unpullableTags");
      for (UnpullableTag u : r.hygiene().unpullableTags()) {
        ObjectNode tag =
            unpullable.addObject().put("name", u.name()).put("reason", u.reason().label());
        ArrayNode missing = tag.putArray("failingBlobs");
        u.missing().forEach(d -> missing.add(d.toString()));
      }
    }
    ArrayNode problems = root.putArray("problems");
    for (ScanProblem p : snapshot.problems()) {
      problems
          .addObject()
          .put("path", p.path().toString())
          .put("reason", p.damage().label())
          .put("message", p.message());
    }
    return root;
  }
}
