package dev.regscope.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Manifest bytes in, a summary or a kind of damage out; no files. The JSON is written by hand. */
class ManifestParserTest {
  private static final String DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json";
  private static final String DOCKER_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  private static final String SCHEMA1_SIGNED =
      "application/vnd.docker.distribution.manifest.v1+prettyjws";
  private static final String SCHEMA1_PLAIN =
      "application/vnd.docker.distribution.manifest.v1+json";
  private static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  private static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);
  private static final String C = "sha256:" + "c".repeat(64);

  // ---- every kind a registry stores
  // --------------------------------------------------------------------------

  @Test
  void dockerSchema2() throws ManifestException {
    ManifestSummary summary =
        parse(
            """
        {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
         "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1469, "digest": "%s"},
         "layers": [
           {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 2811969, "digest": "%s"},
           {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 32, "digest": "%s"}]}
        """
                .formatted(A, B, C));

    assertThat(summary.kind()).isEqualTo(ManifestKind.IMAGE);
    assertThat(summary.mediaType()).isEqualTo(DOCKER_V2);
    assertThat(summary.config())
        .contains(
            new Descriptor("application/vnd.docker.container.image.v1+json", digest(A), 1469));
    assertThat(summary.layers())
        .containsExactly(
            new Descriptor(DOCKER_LAYER, digest(B), 2811969),
            new Descriptor(DOCKER_LAYER, digest(C), 32));
    assertThat(summary.children()).isEmpty();
  }

  @Test
  void ociImageWithMediaType() throws ManifestException {
    ManifestSummary summary =
        parse(
            """
        {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
         "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 7, "digest": "%s"},
         "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": 100, "digest": "%s"}]}
        """
                .formatted(A, B));

    assertThat(summary.kind()).isEqualTo(ManifestKind.IMAGE);
    assertThat(summary.mediaType()).isEqualTo(OCI_MANIFEST);
    assertThat(summary.layers()).containsExactly(new Descriptor(OCI_LAYER, digest(B), 100));
  }

  @Test
  void ociImageWithoutMediaTypeIsRecognisedByItsLayers() throws ManifestException {
    ManifestSummary summary =
        parse(
            """
        {"schemaVersion": 2,
         "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 7, "digest": "%s"},
         "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": 100, "digest": "%s"}]}
        """
                .formatted(A, B));

    assertThat(summary.kind()).isEqualTo(ManifestKind.IMAGE);
    assertThat(summary.mediaType()).isEqualTo(OCI_MANIFEST);
    assertThat(summary.layers()).containsExactly(new Descriptor(OCI_LAYER, digest(B), 100));
  }

  @Test
  void ociArtifactIsAnImageWithItsOwnConfigAndLayerTypes() throws ManifestException {
    ManifestSummary summary =
        parse(
            """
        {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
         "artifactType": "application/vnd.cncf.helm.config.v1+json",
         "config": {"mediaType": "application/vnd.cncf.helm.config.v1+json", "size": 117, "digest": "%s"},
         "layers": [{"mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip", "size": 3412,
                     "digest": "%s"}]}
        """
                .formatted(A, B));

    assertThat(summary.kind()).isEqualTo(ManifestKind.IMAGE);
    assertThat(summary.mediaType()).isEqualTo(OCI_MANIFEST);
    assertThat(summary.config())
        .contains(new Descriptor("application/vnd.cncf.helm.config.v1+json", digest(A), 117));
    assertThat(summary.layers())
        .containsExactly(
            new Descriptor("application/vnd.cncf.helm.chart.content.v1.tar+gzip", digest(B), 3412));
  }

  @Test
  void ociArtifactWithNoLayersAtAll() throws ManifestException {
    ManifestSummary summary =
        parse(
            """
        {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
         "artifactType": "application/vnd.example.sbom+json",
         "config": {"mediaType": "application/vnd.oci.empty.v1+json", "size": 2, "digest": "%s"},
         "layers": []}
        """
                .formatted(A));

    assertThat(summary.kind()).isEqualTo(ManifestKind.IMAGE);
    assertThat(summary.layers()).isEmpty();
  }

  @Test
  void dockerManifestList() throws ManifestException {
    ManifestSummary summary =
        parse(
            """
        {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
         "manifests": [
           {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 528, "digest": "%s",
            "platform": {"architecture": "amd64", "os": "linux"}},
           {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 529, "digest": "%s",
            "platform": {"architecture": "arm", "os": "linux", "variant": "v7"}}]}
        """
                .formatted(A, B));

    assertThat(summary.kind()).isEqualTo(ManifestKind.INDEX);
    assertThat(summary.mediaType()).isEqualTo(DOCKER_LIST);
    assertThat(summary.config()).isEmpty();
    assertThat(summary.layers()).isEmpty();
    assertThat(summary.children())
        .containsExactly(
            new ChildManifest(
                new Descriptor(DOCKER_V2, digest(A), 528),
                Optional.of(new Platform("linux", "amd64", null))),
            new ChildManifest(
                new Descriptor(DOCKER_V2, digest(B), 529),
                Optional.of(new Platform("linux", "arm", "v7"))));
  }

  @Test
  void ociIndexWithAVariantAnAttestationAndAChildWithoutPlatform() throws ManifestException {
    ManifestSummary summary =
        parse(
            """
        {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
         "manifests": [
           {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 10, "digest": "%s",
            "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
           {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 11, "digest": "%s",
            "platform": {"architecture": "unknown", "os": "unknown"},
            "annotations": {"vnd.docker.reference.type": "attestation-manifest"}},
           {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 12, "digest": "%s"}]}
        """
                .formatted(A, B, C));

    assertThat(summary.kind()).isEqualTo(ManifestKind.INDEX);
    assertThat(summary.mediaType()).isEqualTo(OCI_INDEX);
    assertThat(summary.children())
        .containsExactly(
            new ChildManifest(
                new Descriptor(OCI_MANIFEST, digest(A), 10),
                Optional.of(new Platform("linux", "arm64", "v8"))),
            new ChildManifest(
                new Descriptor(OCI_MANIFEST, digest(B), 11),
                Optional.of(new Platform("unknown", "unknown", null))),
            new ChildManifest(new Descriptor(OCI_MANIFEST, digest(C), 12), Optional.empty()));
    assertThat(summary.children().get(0).platform().orElseThrow()).hasToString("linux/arm64/v8");
  }

  @Test
  void aWindowsChildCarriesItsOsVersionInItsLabelOthersDoNot() throws ManifestException {
    ManifestSummary summary =
        parse(
            """
        {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
         "manifests": [
           {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 10, "digest": "%s",
            "platform": {"architecture": "amd64", "os": "windows", "os.version": "10.0.17763.5576"}},
           {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 11, "digest": "%s",
            "platform": {"architecture": "amd64", "os": "windows", "os.version": "10.0.20348.2340"}},
           {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 12, "digest": "%s",
            "platform": {"architecture": "arm64", "os": "linux", "variant": "v8", "os.version": "6.1"}}]}
        """
                .formatted(A, B, C));

    assertThat(summary.children())
        .extracting(child -> child.platform().orElseThrow().toString())
        .containsExactly(
            "windows/amd64/10.0.17763.5576", "windows/amd64/10.0.20348.2340", "linux/arm64/v8");
  }

  @Test
  void aReferrerNamesItsSubjectAndArtifactTypeAndLayersWithUrlsAreExternal()
      throws ManifestException {
    ManifestSummary summary =
        parse(
            """
        {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
         "artifactType": "application/vnd.cncf.notary.signature",
         "config": {"mediaType": "application/vnd.oci.empty.v1+json", "size": 2, "digest": "%s"},
         "layers": [
           {"mediaType": "application/jose+json", "size": 2000, "digest": "%s"},
           {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": 9, "digest": "%s",
            "urls": ["https://example.com/blob"]}],
         "subject": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 7, "digest": "%s"}}
        """
                .formatted(A, B, C, A));

    assertThat(summary.artifactType()).isEqualTo("application/vnd.cncf.notary.signature");
    assertThat(summary.subject()).contains(new Descriptor(OCI_MANIFEST, digest(A), 7));
    assertThat(summary.layers()).extracting(Descriptor::isExternal).containsExactly(false, true);
    assertThat(
            new Descriptor(
                    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", digest(B), 1)
                .isExternal())
        .isTrue();
    assertThat(
            new Descriptor(
                    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", digest(B), 1)
                .isExternal())
        .isTrue();
  }

  @Test
  void aSubjectWithoutAValidDigestIsIgnoredAsRegistry28IgnoresTheField() throws ManifestException {
    ManifestSummary summary =
        parse(
            """
        {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
         "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 2, "digest": "%s"},
         "layers": [], "subject": {"digest": "nonsense"}}
        """
                .formatted(A));

    assertThat(summary.subject()).isEmpty();
    assertThat(summary.artifactType()).isNull();
  }

  @Test
  void ociIndexWithoutMediaTypeIsRecognisedByItsManifests() throws ManifestException {
    ManifestSummary summary =
        parse(
            """
        {"schemaVersion": 2,
         "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 10, "digest": "%s"}]}
        """
                .formatted(A));

    assertThat(summary.kind()).isEqualTo(ManifestKind.INDEX);
    assertThat(summary.mediaType()).isEqualTo(OCI_INDEX);
    assertThat(summary.children()).hasSize(1);
  }

  @Test
  void schema1SignedKeepsLayerOrderAndRepeatsWithoutSizes() throws ManifestException {
    ManifestSummary summary = parse(schema1("\"mediaType\": \"" + SCHEMA1_SIGNED + "\","));

    assertThat(summary.kind()).isEqualTo(ManifestKind.SCHEMA1);
    assertThat(summary.mediaType()).isEqualTo(SCHEMA1_SIGNED);
    assertThat(summary.config()).isEmpty();
    assertThat(summary.layers())
        .containsExactly(
            new Descriptor(null, digest(A), -1),
            new Descriptor(null, digest(B), -1),
            new Descriptor(null, digest(A), -1));
    assertThat(summary.layers()).noneMatch(Descriptor::hasSize);
  }

  @Test
  void schema1Unsigned() throws ManifestException {
    ManifestSummary summary = parse(schema1("\"mediaType\": \"" + SCHEMA1_PLAIN + "\","));

    assertThat(summary.kind()).isEqualTo(ManifestKind.SCHEMA1);
    assertThat(summary.mediaType()).isEqualTo(SCHEMA1_PLAIN);
    assertThat(summary.layers()).hasSize(3);
  }

  @Test
  void schema1WithoutMediaTypeIsTakenAsSigned() throws ManifestException {
    ManifestSummary summary = parse(schema1(""));

    assertThat(summary.kind()).isEqualTo(ManifestKind.SCHEMA1);
    assertThat(summary.mediaType()).isEqualTo(SCHEMA1_SIGNED);
    assertThat(summary.layers()).hasSize(3);
  }

  // ---- damage
  // ------------------------------------------------------------------------------------------------

  static Stream<Arguments> damaged() {
    return Stream.of(
        damaged("empty", "", Damage.MANIFEST_EMPTY),
        damaged("only whitespace", " \n\t\r\n", Damage.MANIFEST_EMPTY),
        damaged(
            "truncated",
            "{\"schemaVersion\": 2, \"mediaType\": \"" + DOCKER_V2 + "\", \"config\": {",
            Damage.MANIFEST_NOT_JSON),
        damaged("not JSON", "<html><body>502 Bad Gateway</body></html>", Damage.MANIFEST_NOT_JSON),
        damaged("trailing garbage", image("1234") + " garbage", Damage.MANIFEST_NOT_JSON),
        damaged("two documents", image("1234") + image("1234"), Damage.MANIFEST_NOT_JSON),
        damaged(
            "invalid UTF-8",
            bytes("{\"schemaVersion\": 2, \"mediaType\": \"", (byte) 0xff, "\"}"),
            Damage.MANIFEST_NOT_JSON),
        damaged("nested 100 deep", "[".repeat(100) + "]".repeat(100), Damage.MANIFEST_NOT_JSON),
        damaged("JSON array", "[" + image("1234") + "]", Damage.MANIFEST_BAD_SHAPE),
        damaged("JSON string", "\"manifest\"", Damage.MANIFEST_BAD_SHAPE),
        damaged("JSON null", "null", Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "no schemaVersion",
            "{\"mediaType\": \"" + DOCKER_V2 + "\", \"config\": {}, \"layers\": []}",
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "schemaVersion as a string",
            image("1234").replace("\"schemaVersion\": 2", "\"schemaVersion\": \"2\""),
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "schemaVersion 3",
            image("1234").replace("\"schemaVersion\": 2", "\"schemaVersion\": 3"),
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "mediaType not a string",
            "{\"schemaVersion\": 2, \"mediaType\": 2, \"layers\": []}",
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "no mediaType, layers and manifests both",
            "{\"schemaVersion\": 2, \"layers\": [], \"manifests\": []}",
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "no mediaType, neither layers nor manifests",
            "{\"schemaVersion\": 2}",
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "image without config",
            """
            {"schemaVersion": 2, "mediaType": "%s", "layers": [{"size": 1, "digest": "%s"}]}
            """
                .formatted(DOCKER_V2, B),
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "config a string",
            """
            {"schemaVersion": 2, "mediaType": "%s", "config": "%s", "layers": []}
            """
                .formatted(DOCKER_V2, A),
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "no layers",
            """
            {"schemaVersion": 2, "mediaType": "%s", "config": {"size": 1, "digest": "%s"}}
            """
                .formatted(DOCKER_V2, A),
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "layers an object",
            """
            {"schemaVersion": 2, "mediaType": "%s", "config": {"size": 1, "digest": "%s"},
             "layers": {"size": 1, "digest": "%s"}}
            """
                .formatted(DOCKER_V2, A, B),
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "layer a string",
            """
            {"schemaVersion": 2, "mediaType": "%s", "config": {"size": 1, "digest": "%s"}, "layers": ["%s"]}
            """
                .formatted(DOCKER_V2, A, B),
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "layer without digest",
            """
            {"schemaVersion": 2, "mediaType": "%s", "config": {"size": 1, "digest": "%s"}, "layers": [{"size": 1}]}
            """
                .formatted(DOCKER_V2, A),
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "index without manifests",
            "{\"schemaVersion\": 2, \"mediaType\": \"" + OCI_INDEX + "\"}",
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "platform without os",
            """
            {"schemaVersion": 2, "mediaType": "%s",
             "manifests": [{"size": 1, "digest": "%s", "platform": {"architecture": "amd64"}}]}
            """
                .formatted(OCI_INDEX, A),
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "platform a string",
            """
            {"schemaVersion": 2, "mediaType": "%s",
             "manifests": [{"size": 1, "digest": "%s", "platform": "linux/amd64"}]}
            """
                .formatted(OCI_INDEX, A),
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "schema1 fsLayers an object",
            "{\"schemaVersion\": 1, \"fsLayers\": {}}",
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "schema1 fsLayer a string",
            "{\"schemaVersion\": 1, \"fsLayers\": [\"" + A + "\"]}",
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "schema1 fsLayer without blobSum",
            "{\"schemaVersion\": 1, \"fsLayers\": [{}]}",
            Damage.MANIFEST_BAD_SHAPE),
        damaged(
            "unknown media type",
            """
            {"schemaVersion": 2, "mediaType": "application/vnd.example.thing.v1+json", "layers": []}
            """,
            Damage.UNKNOWN_MEDIA_TYPE),
        damaged(
            "schema1 with an OCI media type",
            """
            {"schemaVersion": 1, "mediaType": "%s", "fsLayers": []}
            """
                .formatted(OCI_MANIFEST),
            Damage.UNKNOWN_MEDIA_TYPE),
        damaged("negative size", image("-1"), Damage.BAD_SIZE),
        damaged("size in a string", image("\"123\""), Damage.BAD_SIZE),
        damaged("fractional size", image("1.5"), Damage.BAD_SIZE),
        damaged("size in exponent notation", image("1e3"), Damage.BAD_SIZE),
        damaged("size Long.MAX_VALUE + 1", image("9223372036854775808"), Damage.BAD_SIZE),
        damaged("size null", image("null"), Damage.BAD_SIZE),
        damaged(
            "no size",
            """
            {"schemaVersion": 2, "mediaType": "%s", "config": {"size": 1, "digest": "%s"}, "layers": [{"digest": "%s"}]}
            """
                .formatted(DOCKER_V2, A, B),
            Damage.BAD_SIZE),
        damaged(
            "negative config size",
            """
            {"schemaVersion": 2, "mediaType": "%s", "config": {"size": -5, "digest": "%s"}, "layers": []}
            """
                .formatted(DOCKER_V2, A),
            Damage.BAD_SIZE),
        damaged(
            "negative child size",
            """
            {"schemaVersion": 2, "mediaType": "%s", "manifests": [{"size": -1, "digest": "%s"}]}
            """
                .formatted(OCI_INDEX, A),
            Damage.BAD_SIZE),
        damaged(
            "layer digest in uppercase",
            """
            {"schemaVersion": 2, "mediaType": "%s", "config": {"size": 1, "digest": "%s"},
             "layers": [{"size": 1, "digest": "%s"}]}
            """
                .formatted(DOCKER_V2, A, B.toUpperCase()),
            Damage.BAD_DIGEST),
        damaged(
            "config digest md5",
            """
            {"schemaVersion": 2, "mediaType": "%s", "config": {"size": 1, "digest": "md5:abc"}, "layers": []}
            """
                .formatted(DOCKER_V2),
            Damage.BAD_DIGEST),
        damaged(
            "child digest climbing out of the tree",
            """
            {"schemaVersion": 2, "mediaType": "%s", "manifests": [{"size": 1, "digest": "sha256:../../.."}]}
            """
                .formatted(OCI_INDEX),
            Damage.BAD_DIGEST),
        damaged(
            "schema1 blobSum not a digest",
            "{\"schemaVersion\": 1, \"fsLayers\": [{\"blobSum\": \"latest\"}]}",
            Damage.BAD_DIGEST));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("damaged")
  void damageIsNamedAndExplainedOnOneLine(String description, byte[] bytes, Damage expected) {
    ManifestException e =
        catchThrowableOfType(ManifestException.class, () -> ManifestParser.parse(bytes));

    assertThat(e).as(description).isNotNull();
    assertThat(e.damage()).isEqualTo(expected);
    assertThat(e.getMessage()).isNotBlank().doesNotContainPattern("\\p{Cntrl}");
  }

  @Test
  void anUnknownMediaTypeIsQuotedInTheMessageWithControlCharactersEscaped() {
    assertThatThrownBy(
            () ->
                parse(
                    """
        {"schemaVersion": 2, "mediaType": "application/vnd.example\\n\\u001b[31m+json", "layers": []}
        """))
        .isInstanceOfSatisfying(
            ManifestException.class,
            e -> {
              assertThat(e.damage()).isEqualTo(Damage.UNKNOWN_MEDIA_TYPE);
              assertThat(e.getMessage())
                  .contains("application/vnd.example")
                  .doesNotContainPattern("\\p{Cntrl}");
            });
  }

  @Test
  void controlCharactersThatTheJsonParserQuotesBackAreEscaped() {
    assertThatThrownBy(() -> parse("abc\u0001\u001b[31m"))
        .isInstanceOfSatisfying(
            ManifestException.class,
            e -> {
              assertThat(e.damage()).isEqualTo(Damage.MANIFEST_NOT_JSON);
              assertThat(e.getMessage()).doesNotContainPattern("\\p{Cntrl}");
            });
  }

  // ---- helpers
  // -----------------------------------------------------------------------------------------------

  private static ManifestSummary parse(String json) throws ManifestException {
    return ManifestParser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static Digest digest(String text) {
    return new Digest("sha256", text.substring("sha256:".length()));
  }

  /** A Docker image manifest whose one layer has {@code size} exactly as written. */
  private static String image(String size) {
    return """
        {"schemaVersion": 2, "mediaType": "%s", "config": {"size": 7, "digest": "%s"},
         "layers": [{"mediaType": "%s", "size": %s, "digest": "%s"}]}"""
        .formatted(DOCKER_V2, A, DOCKER_LAYER, size, B);
  }

  /** A schema1 manifest with fsLayers A, B, A (top layer first) and the given extra field. */
  private static String schema1(String mediaTypeField) {
    return """
        {"schemaVersion": 1, %s "name": "old/app", "tag": "v0", "architecture": "amd64",
         "fsLayers": [{"blobSum": "%s"}, {"blobSum": "%s"}, {"blobSum": "%s"}],
         "history": [{"v1Compatibility": "{}"}, {"v1Compatibility": "{}"}, {"v1Compatibility": "{}"}],
         "signatures": []}
        """
        .formatted(mediaTypeField, A, B, A);
  }

  private static Arguments damaged(String description, String json, Damage damage) {
    return Arguments.of(description, json.getBytes(StandardCharsets.UTF_8), damage);
  }

  private static Arguments damaged(String description, byte[] bytes, Damage damage) {
    return Arguments.of(description, bytes, damage);
  }

  private static byte[] bytes(String before, byte middle, String after) {
    byte[] head = before.getBytes(StandardCharsets.UTF_8);
    byte[] tail = after.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[head.length + 1 + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    all[head.length] = middle;
    System.arraycopy(tail, 0, all, head.length + 1, tail.length);
    return all;
  }
}
