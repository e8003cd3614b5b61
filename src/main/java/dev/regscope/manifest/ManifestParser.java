package dev.regscope.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.core.InvalidDigestException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns the bytes of a manifest blob into a {@link ManifestSummary}; pure, never touches a file.
 *
 * <p>Every manifest kind a 2.8 registry stores is recognised by its {@code mediaType}; where that
 * field is absent (it is optional in OCI), the shape decides: {@code manifests} makes an index,
 * {@code layers} an image.
 */
public final class ManifestParser {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  static {
    // Manifests are at most 4 MiB; deep nesting in one is hostile, not a manifest.
    JSON.getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
  }

  private ManifestParser() {}

  public static ManifestSummary parse(byte[] bytes) throws ManifestException {
    if (isBlank(bytes)) {
      throw new ManifestException(Damage.MANIFEST_EMPTY, "is empty");
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new ManifestException(
          Damage.MANIFEST_NOT_JSON, "is not JSON (" + firstLine(e.getOriginalMessage()) + ")");
    } catch (IOException e) {
      throw new ManifestException(
          Damage.MANIFEST_NOT_JSON, "is not JSON (" + firstLine(e.getMessage()) + ")");
    }
    if (root == null || !root.isObject()) {
      throw new ManifestException(Damage.MANIFEST_BAD_SHAPE, "is JSON but not an object");
    }
    JsonNode schemaVersion = root.get("schemaVersion");
    if (schemaVersion == null || !schemaVersion.isIntegralNumber()) {
      throw new ManifestException(Damage.MANIFEST_BAD_SHAPE, "has no numeric schemaVersion");
    }
    if (root.has("mediaType") && !root.get("mediaType").isTextual()) {
      throw new ManifestException(
          Damage.MANIFEST_BAD_SHAPE, "has a mediaType that is not a string");
    }
    String mediaType = MediaTypes.canonical(textOrNull(root, "mediaType"));
    if (schemaVersion.asInt() == 1) {
      return parseSchema1(root, mediaType);
    }
    if (schemaVersion.asInt() != 2) {
      throw new ManifestException(
          Damage.MANIFEST_BAD_SHAPE, "has unsupported schemaVersion " + schemaVersion);
    }
    if (mediaType == null) {
      if (root.has("manifests") && !root.has("layers")) {
        return parseIndex(root, MediaTypes.OCI_INDEX);
      }
      if (root.has("layers") && !root.has("manifests")) {
        return parseImage(root, MediaTypes.OCI_MANIFEST);
      }
      throw new ManifestException(
          Damage.MANIFEST_BAD_SHAPE, "has no mediaType and neither only layers nor only manifests");
    }
    if (MediaTypes.isImage(mediaType)) {
      return parseImage(root, mediaType);
    }
    if (MediaTypes.isIndex(mediaType)) {
      return parseIndex(root, mediaType);
    }
    throw new ManifestException(
        Damage.UNKNOWN_MEDIA_TYPE, "has unknown media type " + quote(mediaType));
  }

  private static ManifestSummary parseImage(JsonNode root, String mediaType)
      throws ManifestException {
    JsonNode config = root.get("config");
    if (config == null || !config.isObject()) {
      throw new ManifestException(
          Damage.MANIFEST_BAD_SHAPE, "is an image manifest without a config object");
    }
    List<Descriptor> layers = new ArrayList<>();
    for (JsonNode layer : array(root, "layers")) {
      layers.add(descriptor(layer, "layers"));
    }
    return ManifestSummary.image(
        mediaType,
        descriptor(config, "config"),
        layers,
        subject(root),
        MediaTypes.canonical(textOrNull(root, "artifactType")));
  }

  private static ManifestSummary parseIndex(JsonNode root, String mediaType)
      throws ManifestException {
    List<ChildManifest> children = new ArrayList<>();
    for (JsonNode child : array(root, "manifests")) {
      children.add(
          new ChildManifest(descriptor(child, "manifests"), platform(child.get("platform"))));
    }
    return ManifestSummary.index(
        mediaType, children, subject(root), MediaTypes.canonical(textOrNull(root, "artifactType")));
  }

  private static ManifestSummary parseSchema1(JsonNode root, String mediaType)
      throws ManifestException {
    if (mediaType != null && !MediaTypes.isSchema1(mediaType)) {
      throw new ManifestException(
          Damage.UNKNOWN_MEDIA_TYPE, "is schema1 with media type " + quote(mediaType));
    }
    List<Descriptor> layers = new ArrayList<>();
    for (JsonNode layer : array(root, "fsLayers")) {
      if (!layer.isObject()) {
        throw new ManifestException(
            Damage.MANIFEST_BAD_SHAPE, "has an fsLayers entry that is not an object");
      }
      layers.add(new Descriptor(null, digest(layer, "fsLayers"), Descriptor.UNKNOWN_SIZE));
    }
    return ManifestSummary.schema1(
        mediaType == null ? MediaTypes.DOCKER_MANIFEST_V1_SIGNED : mediaType, layers);
  }

  /**
   * The manifest an OCI 1.1 referrer refers to. Registry 2.8 ignores the field, so one it cannot
   * use (no valid digest) is no damage either: the manifest is then no referrer.
   */
  private static Optional<Descriptor> subject(JsonNode root) {
    JsonNode subject = root.get("subject");
    String digest = subject == null ? null : textOrNull(subject, "digest");
    if (digest == null) {
      return Optional.empty();
    }
    try {
      JsonNode size = subject.get("size");
      return Optional.of(
          new Descriptor(
              MediaTypes.canonical(textOrNull(subject, "mediaType")),
              Digest.parse(digest),
              size != null && size.canConvertToLong() && size.asLong() >= 0
                  ? size.asLong()
                  : Descriptor.UNKNOWN_SIZE));
    } catch (InvalidDigestException e) {
      return Optional.empty();
    }
  }

  private static JsonNode array(JsonNode root, String field) throws ManifestException {
    JsonNode node = root.get(field);
    if (node == null || !node.isArray()) {
      throw new ManifestException(Damage.MANIFEST_BAD_SHAPE, "has no " + field + " array");
    }
    return node;
  }

  private static Descriptor descriptor(JsonNode node, String field) throws ManifestException {
    if (!node.isObject()) {
      throw new ManifestException(
          Damage.MANIFEST_BAD_SHAPE, "has a " + field + " entry that is not an object");
    }
    JsonNode size = node.get("size");
    if (size == null || !size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0) {
      throw new ManifestException(
          Damage.BAD_SIZE,
          "has a "
              + field
              + " entry with size "
              + (size == null ? "missing" : quote(size.toString())));
    }
    JsonNode urls = node.get("urls");
    return new Descriptor(
        MediaTypes.canonical(textOrNull(node, "mediaType")),
        digestOf(node, field, "digest"),
        size.asLong(),
        urls != null && urls.isArray() && !urls.isEmpty());
  }

  private static Digest digest(JsonNode layer, String field) throws ManifestException {
    return digestOf(layer, field, "blobSum");
  }

  private static Digest digestOf(JsonNode node, String field, String key) throws ManifestException {
    String text = textOrNull(node, key);
    if (text == null) {
      throw new ManifestException(
          Damage.MANIFEST_BAD_SHAPE, "has a " + field + " entry without " + key);
    }
    try {
      return Digest.parse(text);
    } catch (InvalidDigestException e) {
      throw new ManifestException(
          Damage.BAD_DIGEST, "has a " + field + " entry with " + e.getMessage());
    }
  }

  private static Optional<Platform> platform(JsonNode node) throws ManifestException {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    String os = textOrNull(node, "os");
    String architecture = textOrNull(node, "architecture");
    if (!node.isObject() || os == null || architecture == null) {
      throw new ManifestException(
          Damage.MANIFEST_BAD_SHAPE, "has a platform without os and architecture");
    }
    return Optional.of(
        new Platform(
            os, architecture, textOrNull(node, "variant"), textOrNull(node, "os.version")));
  }

  private static String textOrNull(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  /**
   * Quotes text taken from the manifest for a one-line message: cut short, control characters
   * escaped.
   */
  private static String quote(String text) {
    return "\"" + escapeControls(text.length() > 80 ? text.substring(0, 80) + "…" : text) + "\"";
  }

  /** The parser's own first line; it quotes bad tokens back, control characters included. */
  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return escapeControls(newline < 0 ? message : message.substring(0, newline));
  }

  private static String escapeControls(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      out.append(Character.isISOControl(c) ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return out.toString();
  }
}
