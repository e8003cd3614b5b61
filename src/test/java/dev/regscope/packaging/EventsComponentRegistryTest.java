package dev.regscope.packaging;

import static dev.regscope.packaging.Kustomize.container;
import static dev.regscope.packaging.Kustomize.elements;
import static dev.regscope.packaging.Kustomize.one;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regscope.testing.Image;
import dev.regscope.testing.ImageFactory;
import dev.regscope.testing.Platform;
import dev.regscope.testing.RegistryClient;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.RegscopeProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events component's registry environment works on a real registry: Debian's docker-registry
 * 2.8, given the rendered {@code env} as the kubelet expands it (the Secret's token in place of
 * {@code $(REGSCOPE_EVENTS_TOKEN)}) and the image's own configuration (no notifications), posts its
 * events to a real {@code regscope serve} that reads the same token from its file, and regscope
 * counts the pull.
 */
final class EventsComponentRegistryTest {
  private static final String TOKEN = "0123456789abcdef0123456789abcdef";
  @TempDir Path dir;

  @Test
  @Timeout(180)
  void theRegistryConfiguredByTheComponentsEnvironmentDeliversToRegscope() throws Exception {
    Path binary = RegistryProcess.binaryOrSkip();
    List<JsonNode> rendered =
        Kustomize.render(
            EventsComponentManifestsTest.overlay(Files.createDirectories(dir.resolve("overlay"))));
    JsonNode deployment = one(rendered, "Deployment", "registry");
    List<String> args = Kustomize.strings(container(deployment, "regscope").path("args"));
    String podPort = EventsComponentManifestsTest.argument(args, "--port");
    // The token a user's overlay puts in the Secret in place of the placeholder.
    Map<String, String> secrets = Map.of("registry-events/token", TOKEN);
    Map<String, String> env = kubeletEnvironment(container(deployment, "registry"), secrets);
    assertThat(env).containsKey("REGISTRY_NOTIFICATIONS");
    // The pod's port 8080 is this test's free port; nothing else of the environment changes.
    int port = freePort();
    String podUrl = "http://127.0.0.1:" + podPort + "/events";
    assertThat(env.get("REGISTRY_NOTIFICATIONS")).contains(podUrl);
    env.put(
        "REGISTRY_NOTIFICATIONS",
        env.get("REGISTRY_NOTIFICATIONS").replace(podUrl, "http://127.0.0.1:" + port + "/events"));

    try (RegistryProcess registry =
            RegistryProcess.start(binary, dir.resolve("registry"), "", env);
        RegscopeProcess regscope =
            RegscopeProcess.start(
                port,
                registry.storageRoot(),
                dir.resolve("regscope.log"),
                "--events-db",
                dir.resolve("events.db").toString(),
                "--events-token-file",
                Files.writeString(dir.resolve("token"), TOKEN + "\n").toString())) {
      RegistryClient client = registry.client();
      ImageFactory images = new ImageFactory(new Random(12));
      Image image = images.ociImage(new Platform("linux", "amd64", null), images.layer(500));
      image.pushReferences(client, "team/app");
      client.putManifest("team/app", "v1", image.manifest());
      client.getManifest("team/app", "v1");

      Pattern pulls =
          Pattern.compile("(?m)^repository_pulls_total\\{repository=\"team/app\",?\\} 1(\\.0)?$");
      String metrics = "";
      HttpClient http = HttpClient.newHttpClient();
      for (long deadline = System.nanoTime() + 60_000_000_000L;
          System.nanoTime() < deadline && !pulls.matcher(metrics).find(); ) {
        Thread.sleep(200);
        metrics =
            http.send(
                    HttpRequest.newBuilder(URI.create(regscope.base() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
      }
      assertThat(metrics)
          .as("regscope log:%n%s%nregistry log:%n%s", regscope.logTail(), registry.logTail())
          .containsPattern(pulls);
      assertThat(Files.readString(registry.logFile()))
          .doesNotContain("Ignoring unrecognized environment variable");
    }
  }

  /**
   * The container's environment as the kubelet makes it: values, Secret keys, and {@code $(NAME)}
   * replaced by a variable defined before it.
   */
  private static Map<String, String> kubeletEnvironment(
      JsonNode container, Map<String, String> secrets) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode variable : elements(container.path("env"))) {
      String value;
      if (variable.has("value")) {
        value = variable.path("value").asText();
        for (Map.Entry<String, String> defined : env.entrySet()) {
          value = value.replace("$(" + defined.getKey() + ")", defined.getValue());
        }
      } else {
        JsonNode ref = variable.path("valueFrom").path("secretKeyRef");
        String key = ref.path("name").asText() + "/" + ref.path("key").asText();
        assertThat(secrets).as("the Secret key %s", key).containsKey(key);
        value = secrets.get(key);
      }
      env.put(variable.path("name").asText(), value);
    }
    return env;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
