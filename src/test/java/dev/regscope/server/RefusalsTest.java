package dev.regscope.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.testing.Notifications;
import dev.regscope.testing.RegistryTree;
import dev.regscope.testing.RegscopeProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code regscope serve} with the webhook on: refused deliveries are logged, but a flood of
 * them is one line a minute per kind, and the Bearer scheme is matched in any case.
 */
@Timeout(180)
class RefusalsTest {
  private static final String TOKEN = "refusals-test-token";
  private static final int WRONG_TOKENS = 8_000;

  @TempDir Path dir;

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static long lines(Path log, String containing) throws IOException {
    return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
        .filter(line -> line.contains(containing))
        .count();
  }

  @Test
  void aFloodOfWrongTokensIsOneLineTheOversizedDeliveryIsLoggedAndBearerIsCaseInsensitive()
      throws Exception {
    RegistryTree tree = RegistryTree.at(dir.resolve("registry/docker/registry/v2"));
    tree.repo("app").tag("v1", RegistryTree.image(tree.layer(10)));
    Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    Path log = dir.resolve("regscope.log");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    byte[] event = Notifications.all().get(0).body();
    try (RegscopeProcess regscope =
        RegscopeProcess.start(
            freePort(),
            dir.resolve("registry"),
            log,
            "--events-db",
            dir.resolve("events.db").toString(),
            "--events-token-file",
            token.toString())) {
      URI events = URI.create(regscope.base() + Endpoints.EVENTS);
      ExecutorService senders = Executors.newFixedThreadPool(8);
      List<Future<Integer>> refused = new ArrayList<>();
      for (int sender = 0; sender < 8; sender++) {
        refused.add(
            senders.submit(
                () -> {
                  int count = 0;
                  for (int i = 0; i < WRONG_TOKENS / 8; i++) {
                    HttpRequest request =
                        HttpRequest.newBuilder(events)
                            .header("Authorization", "Bearer not-the-token")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(event))
                            .build();
                    HttpResponse<Void> response;
                    try {
                      response = http.send(request, HttpResponse.BodyHandlers.discarding());
                    } catch (IOException reused) {
                      // The client's pool may hand out a kept-alive connection just as it closes
                      // (seen once on a machine with a load of 12); the flood goes on, as a real
                      // sender's would.
                      response = http.send(request, HttpResponse.BodyHandlers.discarding());
                    }
                    count += response.statusCode() == 401 ? 1 : 0;
                  }
                  return count;
                }));
      }
      int unauthorized = 0;
      for (Future<Integer> count : refused) {
        try {
          unauthorized += count.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new AssertionError("a sender failed; regscope's log:\n" + regscope.logTail(), e);
        }
      }
      senders.shutdown();
      assertThat(unauthorized).isEqualTo(WRONG_TOKENS);

      HttpResponse<String> lowercase =
          http.send(
              HttpRequest.newBuilder(events)
                  .header("authorization", "bearer " + TOKEN)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(event))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(lowercase.statusCode()).as(lowercase.body()).isEqualTo(200);

      HttpResponse<String> oversized =
          http.send(
              HttpRequest.newBuilder(events)
                  .header("Authorization", "Bearer " + TOKEN)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2 << 20]))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(oversized.statusCode()).isEqualTo(413);
    }
    // The log is complete once the process has stopped.
    assertThat(lines(log, "(401)")).as("lines about the 401s").isEqualTo(1);
    assertThat(lines(log, "(413)")).as("lines about the 413").isEqualTo(1);
  }
}
