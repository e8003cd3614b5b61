package dev.regscope.packaging;

import static dev.regscope.packaging.Kustomize.container;
import static dev.regscope.packaging.Kustomize.elements;
import static dev.regscope.packaging.Kustomize.one;
import static dev.regscope.packaging.Kustomize.podSpec;
import static dev.regscope.packaging.Kustomize.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regscope.server.Endpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * k8s/ with the k8s/events component, rendered by kubectl from an overlay outside k8s/: the
 * registry gains only its notifications, regscope keeps every argument of the base and gains the
 * event store, and the token the registry sends is the one regscope reads.
 */
@Timeout(180)
final class EventsComponentManifestsTest {
  private static final Path DIR = Path.of("k8s/events");
  @TempDir static Path overlay;
  private static JsonNode base;
  private static JsonNode withEvents;
  private static List<JsonNode> rendered;

  @BeforeAll
  static void render() throws IOException {
    base = one(Kustomize.render(Path.of("k8s")), "Deployment", "registry");
    rendered = Kustomize.render(overlay(overlay));
    withEvents = one(rendered, "Deployment", "registry");
  }

  /** An overlay of k8s/ with the component, in {@code dir} (outside k8s/, as docs say). */
  static Path overlay(Path dir) throws IOException {
    Files.writeString(
        dir.resolve("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\n"
            + "kind: Kustomization\n"
            + "resources: ["
            + relative(dir, Path.of("k8s"))
            + "]\n"
            + "components: ["
            + relative(dir, DIR)
            + "]\n");
    return dir;
  }

  /** kustomize takes only relative paths. */
  private static Path relative(Path from, Path to) {
    return from.toAbsolutePath().normalize().relativize(to.toAbsolutePath().normalize());
  }

  @Test
  void theRegistryGainsOnlyItsNotificationsThroughTheEnvironment() {
    ObjectNode before = container(base, "registry").deepCopy();
    ObjectNode after = container(withEvents, "registry").deepCopy();
    assertThat(before.has("env")).isFalse();
    assertThat(elements(after.path("env")).stream().map(e -> e.path("name").asText()))
        .containsExactly("REGSCOPE_EVENTS_TOKEN", "REGISTRY_NOTIFICATIONS");
    after.remove("env");
    // Same image, mounts (no config file over the image's), probes and securityContext.
    assertThat(after).isEqualTo(before);

    JsonNode notifications = notifications();
    assertThat(iterable(notifications.fieldNames()))
        .containsExactlyInAnyOrder("events", "endpoints");
    assertThat(notifications.path("events").path("includereferences").asBoolean()).isTrue();
  }

  @Test
  void theRegistryPostsToRegscopesPortWithTheTokenRegscopeReads() {
    JsonNode endpoint = single(notifications().path("endpoints"));
    List<String> args = strings(container(withEvents, "regscope").path("args"));
    assertThat(endpoint.path("url").asText())
        .isEqualTo("http://127.0.0.1:" + argument(args, "--port") + Endpoints.EVENTS);
    assertThat(single(endpoint.path("headers").path("Authorization")).asText())
        .isEqualTo("Bearer $(REGSCOPE_EVENTS_TOKEN)");

    // The kubelet expands $(REGSCOPE_EVENTS_TOKEN) from the variable defined before it.
    JsonNode token = container(withEvents, "registry").path("env").get(0);
    assertThat(token.path("name").asText()).isEqualTo("REGSCOPE_EVENTS_TOKEN");
    JsonNode ref = token.path("valueFrom").path("secretKeyRef");
    one(rendered, "Secret", ref.path("name").asText());

    // regscope's --events-token-file is that Secret's key, mounted.
    JsonNode regscope = container(withEvents, "regscope");
    JsonNode mount = mountAt(regscope, argument(args, "--events-token-file"));
    assertThat(mount.path("subPath").asText()).isEqualTo(ref.path("key").asText());
    assertThat(volume(mount.path("name").asText()).path("secret").path("secretName").asText())
        .isEqualTo(ref.path("name").asText());
  }

  @Test
  void regscopeKeepsEveryArgumentOfTheBaseAndGainsTheEventStore() {
    List<String> before = strings(container(base, "regscope").path("args"));
    List<String> after = strings(container(withEvents, "regscope").path("args"));
    List<String> added = new ArrayList<>(after);
    for (String arg : before) {
      int at = added.indexOf(arg);
      assertThat(at).as("base argument %s in %s", arg, after).isNotNegative();
      added.remove(at);
    }
    assertThat(added)
        .containsExactly(
            "--events-db",
            "/var/lib/regscope/events.db",
            "--events-token-file",
            "/etc/regscope/token");
    assertThat(after).last().isEqualTo(before.get(before.size() - 1));
  }

  @Test
  void theStoreIsOnItsOwnVolumeWritableThroughFsGroupWithATmpForSqlite() {
    JsonNode regscope = container(withEvents, "regscope");
    List<String> args = strings(regscope.path("args"));
    Path db = Path.of(argument(args, "--events-db"));
    JsonNode store = mountAt(regscope, db.getParent().toString());
    assertThat(store.path("readOnly").asBoolean()).isFalse();
    String claim =
        volume(store.path("name").asText())
            .path("persistentVolumeClaim")
            .path("claimName")
            .asText();
    one(rendered, "PersistentVolumeClaim", claim);
    assertThat(claim).isNotEqualTo("registry-storage");
    assertThat(volume(mountAt(regscope, "/tmp").path("name").asText()).has("emptyDir")).isTrue();

    JsonNode pod = podSpec(withEvents);
    assertThat(pod.has("initContainers")).as("no root init container").isFalse();
    assertThat(pod.path("securityContext").path("fsGroup").asInt())
        .isEqualTo(regscope.path("securityContext").path("runAsGroup").asInt());
    assertThat(regscope.has("readinessProbe")).isFalse();
    assertThat(regscope.has("startupProbe")).isFalse();
    assertThat(regscope.has("livenessProbe")).isFalse();
    // The component patches args only: supervise stays the container's process.
    assertThat(strings(regscope.path("command"))).contains("supervise");
  }

  @Test
  void theComponentShipsThePlaceholderTokenServeRefuses() {
    JsonNode secret = one(rendered, "Secret", "registry-events");
    // The same constant serve refuses (cli.QueryCommandTest starts serve with this file's token).
    assertThat(secret.path("stringData").path("token").asText())
        .isEqualTo("change-me-to-a-long-random-token");
  }

  @Test
  void theComponentListsItsFiles() throws IOException {
    JsonNode kustomization = Kustomize.YAML.readTree(DIR.resolve("kustomization.yaml").toFile());
    assertThat(kustomization.path("kind").asText()).isEqualTo("Component");
    List<String> files = new ArrayList<>(strings(kustomization.path("resources")));
    kustomization.path("patches").forEach(p -> files.add(p.path("path").asText()));
    try (var onDisk = Files.list(DIR)) {
      assertThat(
              onDisk
                  .map(p -> p.getFileName().toString())
                  .filter(n -> !n.equals("kustomization.yaml")))
          .containsExactlyInAnyOrderElementsOf(files);
    }
  }

  private static JsonNode notifications() {
    Map<String, String> env =
        elements(container(withEvents, "registry").path("env")).stream()
            .filter(e -> e.has("value"))
            .collect(Collectors.toMap(e -> e.path("name").asText(), e -> e.path("value").asText()));
    try {
      return Kustomize.YAML.readTree(env.get("REGISTRY_NOTIFICATIONS"));
    } catch (IOException e) {
      throw new AssertionError("REGISTRY_NOTIFICATIONS is not YAML", e);
    }
  }

  private static JsonNode mountAt(JsonNode container, String path) {
    return elements(container.path("volumeMounts")).stream()
        .filter(m -> m.path("mountPath").asText().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing mounted at " + path));
  }

  private static JsonNode volume(String name) {
    return elements(podSpec(withEvents).path("volumes")).stream()
        .filter(v -> v.path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  static String argument(List<String> args, String option) {
    int at = args.indexOf(option);
    assertThat(at).as("%s in %s", option, args).isNotNegative();
    return args.get(at + 1);
  }

  private static JsonNode single(JsonNode array) {
    assertThat(array.size()).as("entries in %s", array).isEqualTo(1);
    return array.get(0);
  }

  private static <T> List<T> iterable(java.util.Iterator<T> it) {
    List<T> list = new ArrayList<>();
    it.forEachRemaining(list::add);
    return list;
  }
}
