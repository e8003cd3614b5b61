package dev.regscope.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.regscope.server.Endpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile and the k8s/ manifests agree with the ports, paths and metric names the program
 * defines.
 *
 * <p>Reads the files relative to the project directory, where surefire runs.
 */
final class DeploymentManifestsTest {
  private static final Path K8S = Path.of("k8s");
  private static final Path DOCKERFILE = Path.of("Dockerfile");

  /**
   * The metric names regscope really serves: the exposition of a scan of the sample registry (which
   * has uploads, untagged revisions, indexes and an orphan blob, so every family has samples), plus
   * recording rules.
   */
  private static Set<String> exportedMetrics() throws IOException {
    Path root = Files.createTempDirectory("regscope-sample");
    try {
      dev.regscope.sample.SampleRegistry.write(
          root.resolve("registry"), dev.regscope.sample.SampleRegistry.Spec.SMALL);
      var layout = dev.regscope.storage.StorageLayout.locate(root.resolve("registry"));
      var snapshot =
          new dev.regscope.scan.Scanner(
                  layout,
                  new dev.regscope.storage.NioTreeReader(),
                  java.time.Clock.systemUTC(),
                  p -> {})
              .scan();
      java.io.StringWriter text = new java.io.StringWriter();
      dev.regscope.metrics.Exposition.write(
          dev.regscope.model.ScanState.EMPTY.after(snapshot), text);
      // With --events-db: the event families, read from a real (SQLite) store.
      try (var events =
          dev.regscope.events.store.EventDatabase.open(
              root.resolve("events.db").toString(), null)) {
        var totals = new dev.regscope.events.store.EventStatistics(events, null).read();
        var families =
            new java.util.ArrayList<>(
                dev.regscope.metrics.EventFamilies.store(
                    totals,
                    0,
                    dev.regscope.scan.RepositoryFilter.ALL,
                    dev.regscope.metrics.SeriesFilter.ALL));
        families.addAll(dev.regscope.metrics.EventFamilies.process(0, 0));
        // Under supervise (the sidecar's command): its restarts of serve.
        families.addAll(
            dev.regscope.metrics.RestartFamilies.families(dev.regscope.supervise.Restarts.NONE));
        io.prometheus.client.exporter.common.TextFormat.write004(
            text, java.util.Collections.enumeration(families));
      } catch (java.sql.SQLException e) {
        throw new IOException(e);
      }
      Set<String> names = new TreeSet<>();
      for (String line : text.toString().split("\n")) {
        if (line.startsWith("# TYPE ")) {
          names.add(
              line.split(" ")[
                  2]); // families without samples (no broken tags in the sample) count too
        } else if (!line.isBlank() && !line.startsWith("#")) {
          names.add(line.split("[{ ]")[0]);
        }
      }
      elements(resource("PrometheusRule").path("spec").path("groups"))
          .flatMap(group -> elements(group.path("rules")))
          .filter(rule -> rule.has("record"))
          .forEach(rule -> names.add(rule.path("record").asText()));
      return names;
    } catch (dev.regscope.storage.InvalidStorageRootException e) {
      throw new IOException(e);
    }
  }

  private static final Set<String> REQUIRED_ALERTS =
      Set.of(
          "RegscopeScanFailing",
          "RegscopeScanErrors",
          "RegscopeBrokenTags",
          "RegscopeMissingBlobs",
          "RegscopeStaleUploads",
          "RegscopeReclaimableStorage");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  // --- kustomization

  @Test
  void kustomizationListsExactlyTheManifestsInTheFolder() throws IOException {
    Set<String> onDisk;
    try (Stream<Path> files = Files.list(K8S)) {
      onDisk =
          files
              .map(p -> p.getFileName().toString())
              .filter(name -> name.endsWith(".yaml") || name.endsWith(".yml"))
              .filter(name -> !name.startsWith("kustomization."))
              .collect(Collectors.toCollection(TreeSet::new));
    }

    assertThat(kustomizationResources()).containsExactlyInAnyOrderElementsOf(onDisk);
  }

  // --- the regscope container

  @Test
  void regscopeListensOnTheDefaultPort() {
    JsonNode regscope = container("regscope");

    assertThat(metricsPort(regscope).path("containerPort").asInt())
        .isEqualTo(Endpoints.DEFAULT_PORT);
    List<String> args = strings(regscope.path("args"));
    int port = args.indexOf("--port");
    if (port >= 0) {
      assertThat(args.get(port + 1)).isEqualTo(String.valueOf(Endpoints.DEFAULT_PORT));
    }
  }

  @Test
  void regscopeCanNeverTakeTheRegistryOutOfItsService() {
    // A pod is ready only when every container is, and a container the kubelet restarts (liveness,
    // a crash, OOM) is not ready until it runs again: minutes at a time once it crash-loops. So no
    // probe at all, and the container's process is supervise, which restarts serve inside it and
    // checks /-/healthy on the metrics port itself (the sidecar supervision test runs this
    // command).
    // Nor may the events component add a probe: EventsComponentManifestsTest.
    JsonNode regscope = container("regscope");
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      assertThat(regscope.has(probe)).as("regscope's " + probe).isFalse();
    }
    List<String> command = strings(regscope.path("command"));
    int supervise = command.indexOf("supervise");
    assertThat(supervise).as("regscope's command runs supervise: %s", command).isPositive();
    assertThat(command.subList(supervise + 1, command.size()))
        .as("supervise runs serve, whose options are the args")
        .startsWith("--")
        .endsWith("serve");
    // supervise's health check is serve's /-/healthy on the port args give (its default URL).
    assertThat(command.subList(supervise, command.indexOf("--"))).doesNotContain("--health-url");
    assertThat(metricsPort(regscope).path("containerPort").asInt())
        .isEqualTo(Endpoints.DEFAULT_PORT);
  }

  @Test
  void regscopeScansTheRegistryStorageReadOnly() {
    JsonNode regscope = container("regscope");
    JsonNode registry = container("registry");
    List<String> args = strings(regscope.path("args"));
    JsonNode mount = single(regscope.path("volumeMounts"));

    assertThat(mount.path("readOnly").asBoolean())
        .as("regscope's storage mount is readOnly")
        .isTrue();
    assertThat(args).as("PATH is serve's last argument").isNotEmpty();
    assertThat(mount.path("mountPath").asText()).isEqualTo(args.get(args.size() - 1));

    JsonNode registryMount =
        elements(registry.path("volumeMounts"))
            .filter(m -> m.path("name").asText().equals(mount.path("name").asText()))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("registry does not mount volume " + mount.path("name")));
    assertThat(registryMount.path("mountPath").asText())
        .isEqualTo(mount.path("mountPath").asText());

    JsonNode volume =
        elements(podSpec().path("volumes"))
            .filter(v -> v.path("name").asText().equals(mount.path("name").asText()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no pod volume named " + mount.path("name")));
    assertThat(volume.path("persistentVolumeClaim").path("claimName").asText())
        .isEqualTo(resource("PersistentVolumeClaim").path("metadata").path("name").asText());
  }

  @Test
  void regscopeRunsAsNonRootOnAReadOnlyRootFilesystem() {
    JsonNode securityContext = container("regscope").path("securityContext");

    assertThat(securityContext.path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(securityContext.path("runAsUser").asInt()).isPositive();
    assertThat(securityContext.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(securityContext.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(strings(securityContext.path("capabilities").path("drop"))).contains("ALL");
  }

  // --- Service and ServiceMonitor

  @Test
  void serviceSelectsThePodAndRoutesAPortToTheMetricsPort() {
    JsonNode service = metricsService();
    Map<String, String> podLabels =
        labels(deployment().path("spec").path("template").path("metadata").path("labels"));

    assertThat(podLabels).containsAllEntriesOf(labels(service.path("spec").path("selector")));
    assertThat(serviceMetricsPort().path("port").asInt()).isEqualTo(Endpoints.DEFAULT_PORT);
  }

  @Test
  void serviceMonitorScrapesTheServiceMetricsPort() {
    JsonNode service = metricsService();
    JsonNode monitor = resource("ServiceMonitor");
    JsonNode endpoint = single(monitor.path("spec").path("endpoints"));

    assertThat(labels(service.path("metadata").path("labels")))
        .containsAllEntriesOf(labels(monitor.path("spec").path("selector").path("matchLabels")));
    assertThat(endpoint.path("port").asText())
        .isEqualTo(serviceMetricsPort().path("name").asText());
    assertThat(endpoint.path("path").asText()).isEqualTo(Endpoints.METRICS);
  }

  // --- PrometheusRule

  @Test
  void alertsUseOnlyMetricsRegscopeExports() throws IOException {
    List<JsonNode> alerts = alerts();
    Set<String> exported = exportedMetrics();
    assertThat(exported).contains("repository_tags_total", "regscope_gc_reclaimable_bytes");

    assertThat(alerts).isNotEmpty();
    for (JsonNode alert : alerts) {
      Set<String> used = PromQlMetricNames.in(alert.path("expr").asText());
      assertThat(used)
          .as("metrics in %s", alert.path("alert").asText())
          .isNotEmpty()
          .isSubsetOf(exported);
    }
  }

  @Test
  void everyAlertWaitsAndCarriesSeverityAndDescription() {
    List<JsonNode> alerts = alerts();

    assertThat(alerts).extracting(a -> a.path("alert").asText()).containsAll(REQUIRED_ALERTS);
    for (JsonNode alert : alerts) {
      String name = alert.path("alert").asText();
      assertThat(alert.path("for").asText()).as("for: of %s", name).isNotBlank();
      assertThat(alert.path("labels").path("severity").asText())
          .as("severity of %s", name)
          .isNotBlank();
      assertThat(alert.path("annotations").path("summary").asText())
          .as("summary of %s", name)
          .isNotBlank();
      assertThat(alert.path("annotations").path("description").asText())
          .as("description of %s", name)
          .isNotBlank();
    }
  }

  // --- Dockerfile

  @Test
  void imageExposesTheDefaultPort() throws IOException {
    List<String> exposed =
        Dockerfile.read(DOCKERFILE).finalStage().stream()
            .filter(i -> i.keyword().equals("EXPOSE"))
            .flatMap(i -> Stream.of(i.arguments().split("\\s+")))
            .map(port -> port.replaceFirst("/tcp$", ""))
            .toList();

    assertThat(exposed).containsExactly(String.valueOf(Endpoints.DEFAULT_PORT));
  }

  @Test
  void imageRunsAsTheNumericNonRootUserTheDeploymentExpects() throws IOException {
    String user =
        Dockerfile.read(DOCKERFILE)
            .last("USER")
            .orElseThrow(() -> new AssertionError("the runtime stage has no USER"))
            .split(":")[0];

    // runAsNonRoot can only be verified by the kubelet for a numeric uid.
    assertThat(user).matches("[0-9]+");
    assertThat(Integer.parseInt(user))
        .isPositive()
        .isEqualTo(container("regscope").path("securityContext").path("runAsUser").asInt());
  }

  @Test
  void entrypointEndsInServeAndTheDeploymentPassesOnlyServeArguments() throws IOException {
    List<String> entrypoint = entrypoint();
    JsonNode regscope = container("regscope");
    List<String> command = strings(regscope.path("command"));

    assertThat(entrypoint).last().isEqualTo("serve");
    // The sidecar's command is supervise running the image's own serve: the same JVM, jar and
    // options as the ENTRYPOINT but for the heap's share, which leaves room for supervise.
    List<String> serve = command.subList(command.indexOf("--") + 1, command.size());
    assertThat(serve).last().isEqualTo("serve");
    assertThat(serve.get(0)).isEqualTo(entrypoint.get(0));
    assertThat(serve)
        .containsSubsequence("-jar", entrypoint.get(entrypoint.indexOf("-jar") + 1), "serve")
        .contains("-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData", "-XX:MaxRAMPercentage=70");
    assertThat(command.subList(0, command.indexOf("--")))
        .containsSubsequence(
            entrypoint.get(0), "-jar", entrypoint.get(entrypoint.indexOf("-jar") + 1), "supervise")
        .contains("-XX:-UsePerfData");
    assertThat(strings(regscope.path("args"))).first().isNotEqualTo("serve");
  }

  @Test
  void entrypointRunsTheCopiedJarWithoutWritingToTmp() throws IOException {
    List<String> entrypoint = entrypoint();
    assertThat(entrypoint).contains("-jar");
    String jar = entrypoint.get(entrypoint.indexOf("-jar") + 1);

    assertThat(Dockerfile.read(DOCKERFILE).finalStage())
        .anySatisfy(
            i -> {
              assertThat(i.keyword()).isEqualTo("COPY");
              assertThat(i.arguments()).endsWith(" " + jar);
            });
    // With readOnlyRootFilesystem the JVM must not try to create /tmp/hsperfdata_<user>.
    assertThat(entrypoint).contains("-XX:-UsePerfData");
  }

  // --- reading the manifests

  /**
   * The kustomization's resources in this folder; those in subfolders (probe/prometheusrule.yaml)
   * are their folder's business and tested there.
   */
  private static List<String> kustomizationResources() throws IOException {
    return strings(YAML.readTree(K8S.resolve("kustomization.yaml").toFile()).path("resources"))
        .stream()
        .filter(resource -> !resource.contains("/"))
        .toList();
  }

  /** The one resource of this kind among the kustomization's resources. */
  private static JsonNode resource(String kind) {
    List<JsonNode> found = resources(kind);
    assertThat(found).as("resources of kind %s", kind).hasSize(1);
    return found.get(0);
  }

  /** The Service of regscope's metrics (the registry's own Service has no metrics port). */
  private static JsonNode metricsService() {
    List<JsonNode> found =
        resources("Service").stream()
            .filter(s -> s.path("metadata").path("name").asText().equals("regscope-metrics"))
            .toList();
    assertThat(found).as("the Service regscope-metrics").hasSize(1);
    return found.get(0);
  }

  /** The resources of this kind among the kustomization's resources. */
  private static List<JsonNode> resources(String kind) {
    List<JsonNode> found = new ArrayList<>();
    try {
      for (String file : kustomizationResources()) {
        try (MappingIterator<JsonNode> docs =
            YAML.readerFor(JsonNode.class).readValues(K8S.resolve(file).toFile())) {
          docs.forEachRemaining(
              doc -> {
                if (doc.path("kind").asText().equals(kind)) {
                  found.add(doc);
                }
              });
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot read the k8s manifests", e);
    }
    return found;
  }

  private static JsonNode deployment() {
    return resource("Deployment");
  }

  private static JsonNode podSpec() {
    return deployment().path("spec").path("template").path("spec");
  }

  private static JsonNode container(String name) {
    return elements(podSpec().path("containers"))
        .filter(c -> c.path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container named " + name));
  }

  private static JsonNode metricsPort(JsonNode container) {
    return single(container.path("ports"));
  }

  /** The Service port whose targetPort is regscope's container port. */
  private static JsonNode serviceMetricsPort() {
    JsonNode containerPort = metricsPort(container("regscope"));
    List<JsonNode> ports =
        elements(metricsService().path("spec").path("ports"))
            .filter(p -> refersTo(p.path("targetPort"), containerPort))
            .toList();
    assertThat(ports).as("Service ports targeting %s", containerPort).hasSize(1);
    return ports.get(0);
  }

  private static List<JsonNode> alerts() {
    return elements(resource("PrometheusRule").path("spec").path("groups"))
        .flatMap(group -> elements(group.path("rules")))
        .filter(rule -> rule.has("alert"))
        .toList();
  }

  /**
   * Whether a port reference (a name or a number, as in probes and targetPort) points at this
   * container port.
   */
  private static boolean refersTo(JsonNode reference, JsonNode containerPort) {
    return reference.isTextual()
        ? reference.asText().equals(containerPort.path("name").asText())
        : reference.isInt() && reference.asInt() == containerPort.path("containerPort").asInt();
  }

  private static JsonNode single(JsonNode array) {
    assertThat(array.size()).as("entries in %s", array).isEqualTo(1);
    return array.get(0);
  }

  private static Stream<JsonNode> elements(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }

  private static List<String> strings(JsonNode array) {
    return elements(array).map(JsonNode::asText).toList();
  }

  private static Map<String, String> labels(JsonNode object) {
    Map<String, String> labels = new HashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    fields.forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  private static List<String> entrypoint() throws IOException {
    String json =
        Dockerfile.read(DOCKERFILE)
            .last("ENTRYPOINT")
            .orElseThrow(() -> new AssertionError("the runtime stage has no ENTRYPOINT"));
    // Exec form only: the shell form would hide the JVM behind sh and lose signals.
    return List.of(JSON.readValue(json, String[].class));
  }
}
