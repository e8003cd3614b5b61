package dev.regscope.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.hash.Hashing;
import dev.regscope.core.Digest;
import dev.regscope.core.InvalidDigestException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the registry's notification envelope ({@code
 * application/vnd.docker.distribution.events.v1+json}): {@code {"events":[...]}}. Pure: bytes in,
 * events out. A body that is not an envelope fails with one line; an event inside one that cannot
 * be stored (a bad value, a push without a digest) is set aside with the line that says why, so the
 * rest of the delivery is stored and the registry's queue flows.
 */
public final class EnvelopeParser {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryNames names;

  public EnvelopeParser(RegistryNames names) {
    this.names = names;
  }

  public Delivery parse(byte[] body) throws MalformedEventException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new MalformedEventException("body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedEventException("body cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject() || !root.path("events").isArray()) {
      throw new MalformedEventException("body is not an envelope: expected {\"events\":[...]}");
    }
    List<RegistryEvent> events = new ArrayList<>();
    List<RejectedEvent> rejected = new ArrayList<>();
    int index = 0;
    for (JsonNode event : root.get("events")) {
      try {
        RegistryEvent parsed = event(event, "events[" + index + "]");
        if (parsed.digest() == null && needsDigest(parsed.action())) {
          rejected.add(
              rejected(
                  event,
                  RejectedEvent.Reason.MISSING_DIGEST,
                  "events[" + index + "]: a " + parsed.action() + " that names no digest"));
        } else {
          events.add(parsed);
        }
      } catch (MalformedEventException e) {
        rejected.add(rejected(event, RejectedEvent.Reason.MALFORMED, e.getMessage()));
      }
      index++;
    }
    return new Delivery(events, rejected);
  }

  /** Pushes, pulls and mounts are of a manifest or a blob: without its digest nothing is known. */
  private static boolean needsDigest(String action) {
    return Action.of(action).map(a -> a != Action.DELETE).orElse(false);
  }

  private static RejectedEvent rejected(
      JsonNode event, RejectedEvent.Reason reason, String detail) {
    String json = event.toString();
    JsonNode id = event.path("id");
    String key =
        id.isTextual() && !id.asText().isBlank()
            ? id.asText()
            : "sha256:" + Hashing.sha256().hashString(json, StandardCharsets.UTF_8);
    return new RejectedEvent(key, reason, detail, json);
  }

  private RegistryEvent event(JsonNode event, String where) throws MalformedEventException {
    if (!event.isObject()) {
      throw new MalformedEventException(where + " is not an object");
    }
    String id = text(event, "id", where, true);
    Instant timestamp = timestamp(text(event, "timestamp", where, true), where);
    String action = text(event, "action", where, true);
    JsonNode target = event.path("target");
    if (!target.isObject()) {
      throw new MalformedEventException(where + ".target is missing");
    }
    String targetWhere = where + ".target";
    String repository = text(target, "repository", targetWhere, true);
    String digestText = text(target, "digest", targetWhere, false);
    Digest digest = digestText == null ? null : digest(digestText, targetWhere + ".digest");
    String tag = text(target, "tag", targetWhere, false);
    if (digest == null && tag == null) {
      throw new MalformedEventException(targetWhere + " names neither a digest nor a tag");
    }
    String mediaType = text(target, "mediaType", targetWhere, false);
    long size = target.has("size") ? size(target.get("size"), targetWhere + ".size") : -1;
    List<Reference> references = null;
    if (target.has("references") && !target.get("references").isNull()) {
      references = references(target.get("references"), targetWhere + ".references");
    }
    String url = text(target, "url", targetWhere, false);
    JsonNode request = event.path("request");
    return new RegistryEvent(
        id,
        timestamp,
        action,
        target(url, digest, tag),
        names.canonical(text(request, "host", where + ".request", false)),
        repository,
        digest,
        tag,
        mediaType,
        size,
        text(target, "fromRepository", targetWhere, false),
        references,
        text(request, "method", where + ".request", false),
        text(request, "useragent", where + ".request", false),
        text(event.path("actor"), "name", where + ".actor", false),
        event.toString());
  }

  /**
   * The URL tells manifests from blobs; a delete event has none, and a tag delete has no digest.
   */
  private static Target target(String url, Digest digest, String tag) {
    if (digest == null) {
      return Target.TAG;
    }
    if (url != null && url.contains("/manifests/")) {
      return Target.MANIFEST;
    }
    if (url != null && url.contains("/blobs/")) {
      return Target.BLOB;
    }
    return Target.DIGEST;
  }

  private static List<Reference> references(JsonNode array, String where)
      throws MalformedEventException {
    if (!array.isArray()) {
      throw new MalformedEventException(where + " is not an array");
    }
    List<Reference> references = new ArrayList<>();
    int index = 0;
    for (JsonNode reference : array) {
      String at = where + "[" + index++ + "]";
      if (!reference.isObject()) {
        throw new MalformedEventException(at + " is not an object");
      }
      references.add(
          new Reference(
              digest(text(reference, "digest", at, true), at + ".digest"),
              text(reference, "mediaType", at, false),
              reference.has("size") ? size(reference.get("size"), at + ".size") : -1));
    }
    return references;
  }

  private static String text(JsonNode node, String field, String where, boolean required)
      throws MalformedEventException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || (value.isTextual() && value.asText().isEmpty())) {
      if (required) {
        throw new MalformedEventException(where + "." + field + " is missing");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw new MalformedEventException(
          where + "." + field + " is not a string: " + abbreviate(value.toString()));
    }
    return value.asText();
  }

  private static Instant timestamp(String text, String where) throws MalformedEventException {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new MalformedEventException(
          where + ".timestamp is not an RFC 3339 time: " + abbreviate(text));
    }
  }

  private static Digest digest(String text, String where) throws MalformedEventException {
    try {
      return Digest.parse(text);
    } catch (InvalidDigestException e) {
      throw new MalformedEventException(where + " is not a digest: " + abbreviate(text));
    }
  }

  private static long size(JsonNode value, String where) throws MalformedEventException {
    if (!value.canConvertToExactIntegral() || !value.canConvertToLong() || value.asLong() < 0) {
      throw new MalformedEventException(
          where + " is not a size in bytes: " + abbreviate(value.toString()));
    }
    return value.asLong();
  }

  private static String abbreviate(String value) {
    String line = value.replaceAll("[\\r\\n]+", " ");
    return line.length() > 80 ? line.substring(0, 77) + "..." : line;
  }
}
