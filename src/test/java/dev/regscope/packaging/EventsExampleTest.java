package dev.regscope.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events example of docs/events.md, run with bash as a reader runs it, from a folder laid out
 * as the project after {@code mvn package}: {@code target/regscope.jar} (here a jar whose manifest
 * points at the test's classpath), {@code target/sample-registry} made by the quick start's
 * command, and the project's {@code src}. Only its port and its {@code /tmp} files are moved, so
 * that runs at the same time do not meet.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EventsExampleTest {
  private static final String INTRO = "To try it without a registry";

  @TempDir Path work;

  @Test
  void theExampleWaitsForTheServerAndPrintsTheEventsImage() throws Exception {
    String block = block(Files.readString(Path.of("docs/events.md")));
    assertThat(block).contains("/-/ready");
    int port = freePort();
    Path tmp = Files.createDirectories(work.resolve("tmp"));
    String script =
        block
            .replace("/tmp/", tmp + "/")
            .replace("localhost:8080", "localhost:" + port)
            .replace(
                "regscope.jar serve ", "regscope.jar serve --bind 127.0.0.1 --port " + port + " ");
    Files.createDirectories(work.resolve("target"));
    jar(work.resolve("target/regscope.jar"));
    Files.createSymbolicLink(work.resolve("src"), Path.of("src").toAbsolutePath());
    Path file = work.resolve("example.sh");
    Files.writeString(
        file,
        // The harness: stop the server whatever happens; make the sample tree as the quick start
        // does. Then the block itself.
        "set -e\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"
            + "java -jar target/regscope.jar sample-registry target/sample-registry > /dev/null\n"
            + script);
    Path out = work.resolve("out.txt");
    Process bash =
        new ProcessBuilder("bash", file.toString())
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    bash.getOutputStream().close();
    if (!bash.waitFor(150, TimeUnit.SECONDS)) {
      bash.descendants().forEach(ProcessHandle::destroyForcibly);
      bash.destroyForcibly();
      throw new AssertionError("the example did not finish:\n" + Files.readString(out));
    }
    String printed = Files.readString(out);
    assertThat(bash.exitValue()).as(printed).isZero();

    // What the notification pushed, read from the notification itself.
    JsonNode target =
        new ObjectMapper()
            .readTree(Path.of("src/test/resources/notifications/0003.json").toFile())
            .get("events")
            .get(0)
            .get("target");
    assertThat(printed)
        .as(printed)
        .doesNotContain("(none)")
        .contains(target.get("repository").asText())
        .contains(target.get("tag").asText());
  }

  /** The sh block after the sentence that introduces the example. */
  static String block(String markdown) {
    int intro = markdown.indexOf(INTRO);
    assertThat(intro).as("docs/events.md introduces the example").isNotNegative();
    int start = markdown.indexOf("```sh\n", intro) + "```sh\n".length();
    int end = markdown.indexOf("```", start);
    return markdown.substring(start, end);
  }

  /**
   * A jar that runs {@code dev.regscope.Main} on this test's classpath, as the build's jar does.
   */
  private static void jar(Path jar) throws IOException {
    List<String> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      urls.add(Path.of(entry).toAbsolutePath().toUri().toString());
    }
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.regscope.Main");
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      out.flush();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
