package dev.regscope.packaging;

import static dev.regscope.packaging.Kustomize.ofKind;
import static dev.regscope.packaging.Kustomize.one;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment commands of the README and docs/kubernetes.md work as written: every {@code sh}
 * block that calls kubectl runs, in order, in a copy of the repository named {@code regscope}, and
 * what each {@code kubectl apply -k DIR} would send to the cluster is rendered by the real {@code
 * kubectl kustomize DIR}; together they render every kustomization and component in k8s/.
 */
final class DeployCommandsTest {
  private static final Pattern SH_BLOCK = Pattern.compile("(?ms)^```sh\\n(.*?)^```$");
  private static final String PLACEHOLDER_TOKEN = "change-me-to-a-long-random-token";

  @TempDir Path work;

  /** One {@code kubectl apply -k}: the copy it ran in, the folder, and what it rendered. */
  record Apply(Path repo, Path dir, List<JsonNode> rendered) {}

  @Test
  @Timeout(300)
  void theReadmesDeploymentCommandsRenderAnOverlayOfK8sWithThePushedImage() throws IOException {
    List<Apply> applies =
        run("README.md", deploymentSection(Files.readString(Path.of("README.md"))));

    assertThat(applies).hasSize(1);
    Apply overlay = applies.get(0);
    assertThat(overlay.dir().getFileName().toString()).isEqualTo("my-registry");
    assertThat(overlay.dir().startsWith(overlay.repo().resolve("k8s"))).isFalse();
    JsonNode deployment = one(overlay.rendered(), "Deployment", "registry");
    assertThat(Kustomize.container(deployment, "regscope").path("image").asText())
        .isEqualTo("registry.example.com/regscope:0.1.0");
    assertPinned(applies);
  }

  @Test
  @Timeout(300)
  void theKubernetesPagesCommandsRenderEventsTheReleaseLabelAndThePolicysNamespace()
      throws IOException {
    List<Apply> applies =
        run("docs/kubernetes.md", Files.readString(Path.of("docs/kubernetes.md")));

    List<Apply> withEvents =
        applies.stream()
            .filter(
                a ->
                    ofKind(a.rendered(), "PersistentVolumeClaim").stream()
                        .anyMatch(
                            p ->
                                p.path("metadata").path("name").asText().equals("regscope-events")))
            .toList();
    assertThat(withEvents).hasSize(1);
    List<JsonNode> rendered = withEvents.get(0).rendered();
    // The token the page makes, not the placeholder serve refuses.
    assertThat(one(rendered, "Secret", "registry-events").path("stringData").path("token").asText())
        .matches("[0-9a-f]{64}")
        .isNotEqualTo(PLACEHOLDER_TOKEN);
    for (String kind : List.of("ServiceMonitor", "PrometheusRule")) {
      assertThat(ofKind(rendered, kind))
          .isNotEmpty()
          .allSatisfy(
              r ->
                  assertThat(r.path("metadata").path("labels").path("release").asText())
                      .as("%s's release label", kind)
                      .isEqualTo("kube-prometheus-stack"));
    }
    JsonNode policy = one(rendered, "NetworkPolicy", "registry");
    assertThat(
            policy
                .path("spec")
                .path("ingress")
                .get(1)
                .path("from")
                .get(0)
                .path("namespaceSelector")
                .path("matchLabels")
                .path("kubernetes.io/metadata.name")
                .asText())
        .isEqualTo("observability");
    // The release label is on the objects only: a Deployment's selector cannot change in place.
    JsonNode deployment = one(rendered, "Deployment", "registry");
    assertThat(deployment.path("spec").path("selector").path("matchLabels").has("release"))
        .isFalse();
    assertPinned(applies);
  }

  @Test
  @Timeout(600)
  void theCommandsTogetherRenderEveryKustomizationAndComponentInK8s() throws IOException {
    Set<String> covered = new TreeSet<>();
    List<Apply> applies = new ArrayList<>();
    applies.addAll(run("README.md", deploymentSection(Files.readString(Path.of("README.md")))));
    applies.addAll(run("docs/kubernetes.md", Files.readString(Path.of("docs/kubernetes.md"))));
    for (Apply apply : applies) {
      for (Path root : roots(apply.dir())) {
        covered.add(apply.repo().relativize(root).toString());
      }
    }

    Set<String> shipped = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("k8s"))) {
      files
          .filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
          .forEach(p -> shipped.add(p.getParent().toString()));
    }
    assertThat(shipped).contains("k8s", "k8s/events", "k8s/probe", "k8s/remote");
    assertThat(covered).containsAll(shipped);
  }

  /**
   * Runs the kubectl blocks of one document in a fresh copy of the repository and returns what each
   * {@code kubectl apply -k} rendered.
   */
  private List<Apply> run(String document, String markdown) throws IOException {
    Path docWork = Files.createTempDirectory(work, "doc");
    Path clone = docWork.toRealPath().resolve("regscope");
    copy(Path.of("k8s"), clone.resolve("k8s"));
    Path applied = Files.createDirectories(docWork.resolve("applied"));
    Path bin = Files.createDirectories(docWork.resolve("bin"));
    Path kubectl = bin.resolve("kubectl");
    // The cluster is not under test, the rendering is: apply -k becomes the real kubectl
    // kustomize, its output kept in order; any other kubectl call fails so a new one is noticed.
    Files.writeString(
        kubectl,
        "#!/bin/sh\n"
            // -n NAMESPACE after the folder only picks the namespace of what kustomize renders.
            + "if [ \"$1\" = apply ] && [ \"$2\" = -k ] && { [ $# -eq 3 ] || { [ $# -eq 5 ] && [ \"$4\" = -n ]; }; }; then\n"
            + "  n=$(ls '"
            + applied
            + "' | grep -c '\\.dir$')\n"
            + "  (cd \"$3\" && pwd -P) > '"
            + applied
            + "'/$n.dir || exit 1\n"
            + "  exec '"
            + Kustomize.kubectl()
            + "' kustomize \"$3\" > '"
            + applied
            + "'/$n.yaml\n"
            + "fi\n"
            + "echo \"this test stands in for kubectl apply -k [-n NS] only, not: kubectl $*\" >&2\n"
            + "exit 3\n");
    Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwxr-xr-x"));

    List<String> blocks = kubectlBlocks(markdown);
    assertThat(blocks).as("sh blocks calling kubectl in %s", document).isNotEmpty();
    for (String block : blocks) {
      Path script = Files.writeString(Files.createTempFile(docWork, "block", ".sh"), block);
      ProcessBuilder builder =
          new ProcessBuilder("bash", "-euo", "pipefail", script.toString())
              .directory(clone.toFile())
              .redirectErrorStream(true);
      builder.environment().put("PATH", bin + ":" + System.getenv().getOrDefault("PATH", ""));
      ToolOrSkip.Run run = ToolOrSkip.run(builder);
      assertThat(run.exitCode()).as("%s block:%n%s%n%s", document, block, run.output()).isZero();
    }

    List<Apply> applies = new ArrayList<>();
    for (int n = 0; Files.exists(applied.resolve(n + ".dir")); n++) {
      applies.add(
          new Apply(
              clone,
              Path.of(Files.readString(applied.resolve(n + ".dir")).strip()),
              Kustomize.parse(Files.readString(applied.resolve(n + ".yaml")))));
    }
    assertThat(applies).as("kubectl apply -k in %s", document).isNotEmpty();
    return applies;
  }

  /** The README's deployment section: from its heading to the next. */
  static String deploymentSection(String readme) {
    int start = readme.indexOf("\n## Deployment\n");
    assertThat(start).as("README has a Deployment section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  /** The {@code sh} blocks that call kubectl (the others build and push the image). */
  static List<String> kubectlBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    Matcher matcher = SH_BLOCK.matcher(markdown);
    while (matcher.find()) {
      if (matcher.group(1).contains("kubectl ")) {
        blocks.add(matcher.group(1));
      }
    }
    return blocks;
  }

  /** The folder a kustomization was applied from and the folders it names, resolved. */
  private static Set<Path> roots(Path dir) throws IOException {
    Set<Path> roots = new TreeSet<>();
    roots.add(dir.toRealPath());
    JsonNode kustomization = Kustomize.YAML.readTree(dir.resolve("kustomization.yaml").toFile());
    for (String field : List.of("resources", "components")) {
      for (JsonNode entry : kustomization.path(field)) {
        Path named = dir.resolve(entry.asText());
        if (Files.isDirectory(named)) {
          roots.addAll(roots(named));
        }
      }
    }
    return roots;
  }

  private static void assertPinned(List<Apply> applies) {
    for (Apply apply : applies) {
      if (ofKind(apply.rendered(), "Deployment").isEmpty()) {
        continue; // the dashboard's ConfigMap runs nothing
      }
      assertThat(SidecarManifestsTest.images(apply.rendered()))
          .as("images rendered from %s", apply.dir())
          .isNotEmpty()
          .allSatisfy(SidecarManifestsTest::assertPinned);
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    Map<Path, Path> files = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(from)) {
      walk.forEach(p -> files.put(p, to.resolve(from.relativize(p).toString())));
    }
    for (Map.Entry<Path, Path> entry : files.entrySet()) {
      if (Files.isDirectory(entry.getKey())) {
        Files.createDirectories(entry.getValue());
      } else {
        Files.copy(entry.getKey(), entry.getValue(), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }
}
