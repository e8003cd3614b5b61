package dev.regscope.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every test class that waits (on a process, a server, a socket, a thread, a sleep) carries a JUnit
 * {@code @Timeout}, so a regression fails instead of hanging; the global default and surefire's
 * fork timeout stand behind it.
 */
@Timeout(60)
final class TestTimeoutsTest {
  private static final Path TESTS = Path.of("src/test/java");

  /** What blocks a test thread: processes, servers, sockets and HTTP, threads, sleeps and waits. */
  static final Pattern WAITS =
      Pattern.compile(
          "Thread\\.sleep\\(|\\.await\\(|(?<!String)\\.join\\(|\\bwaitFor\\(|\\bProcessBuilder\\b"
              + "|\\bProcess\\b|\\bServerSocket\\b|\\bSocket\\b|\\bHttpClient\\b|\\bHttpServer\\b"
              + "|\\bHttpURLConnection\\b|\\bCountDownLatch\\b|\\bCompletableFuture\\b"
              + "|\\bnew Thread\\(|\\bExecutors\\.|\\bMetricsServer\\b|\\bMain\\.run\\(");

  private static final Pattern TEST_METHOD =
      Pattern.compile(
          "(?m)^\\s+@(Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate)\\b");

  /** Top-level annotations are the only ones google-java-format leaves at column 0. */
  private static final Pattern CLASS_TIMEOUT = Pattern.compile("(?m)^@Timeout\\b");

  private static final Pattern DECLARED_TYPE =
      Pattern.compile("(?m)^(?:public |abstract |final )*(?:class|interface|record|enum) (\\w+)");

  @Test
  void everyTestClassThatWaitsHasATimeout() throws IOException {
    Map<String, String> sources = testSources();
    Set<String> waiting = waitingTypes(sources);
    List<String> untimed = new ArrayList<>();
    for (Map.Entry<String, String> source : sources.entrySet()) {
      String text = source.getValue();
      if (waiting.contains(source.getKey()) && TEST_METHOD.matcher(text).find() && !timed(text)) {
        untimed.add(source.getKey());
      }
    }
    assertThat(waiting)
        .as("the scan finds the harness's processes")
        .contains("RegistryProcess", "PostgresProcess", "RegscopeProcess");
    assertThat(untimed)
        .as("test classes that wait but have no @Timeout on the class or on every test method")
        .isEmpty();
  }

  @Test
  void theScanTellsWaitingFromTimedAndUntimedClasses() {
    Map<String, String> sources = new TreeMap<>();
    sources.put(
        "Harness", "final class Harness {\n  void up() { new ProcessBuilder(\"x\"); }\n}\n");
    sources.put("UsesHarness", "final class UsesHarness {\n  Harness h;\n}\n");
    sources.put("PassesItOn", "final class PassesItOn {\n  UsesHarness u;\n}\n");
    sources.put("Pure", "final class Pure {\n  String s = String.join(\",\", \"a\");\n}\n");
    assertThat(waitingTypes(sources)).containsExactlyInAnyOrder("Harness", "UsesHarness");

    String classLevel = "@Timeout(120)\nfinal class A {\n  @Test\n  void a() {}\n}\n";
    String everyMethod =
        "final class B {\n  @Test\n  @Timeout(5)\n  void a() {}\n\n"
            + "  @Timeout(5)\n  @ParameterizedTest\n  @ValueSource(ints = {1})\n  void b(int i) {}\n}\n";
    String oneMissing =
        "final class C {\n  @Test\n  @Timeout(5)\n  void a() {}\n\n  @Test\n  void b() {}\n}\n";
    String none = "final class D {\n  @Test\n  void a() {}\n}\n";
    assertThat(timed(classLevel)).isTrue();
    assertThat(timed(everyMethod)).isTrue();
    assertThat(timed(oneMissing)).isFalse();
    assertThat(timed(none)).isFalse();
  }

  @Test
  void aTestWithoutItsOwnTimeoutStillStopsAfterTheGlobalDefault() throws IOException {
    Properties junit = new Properties();
    try (InputStream in =
        Files.newInputStream(Path.of("src/test/resources/junit-platform.properties"))) {
      junit.load(in);
    }
    assertThat(junit.getProperty("junit.jupiter.execution.timeout.mode")).isEqualTo("enabled");
    String fallback = junit.getProperty("junit.jupiter.execution.timeout.default");
    assertThat(fallback).as("junit.jupiter.execution.timeout.default").matches("\\d+ ?m");
    assertThat(Duration.ofMinutes(Long.parseLong(fallback.replaceAll("\\D", ""))))
        .isBetween(Duration.ofMinutes(1), Duration.ofMinutes(20));
  }

  @Test
  void surefireKillsAHungForkInsteadOfWaitingForever() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    Matcher fork =
        Pattern.compile("<forkedProcessTimeoutInSeconds>(\\d+)</forkedProcessTimeoutInSeconds>")
            .matcher(pom);
    assertThat(fork.find()).as("surefire's forkedProcessTimeoutInSeconds in pom.xml").isTrue();
    assertThat(Long.parseLong(fork.group(1))).isBetween(600L, 3600L);
    assertThat(pom).containsPattern("<forkedProcessExitTimeoutInSeconds>\\d+<");
  }

  /** True when the top-level class has a {@code @Timeout}, or every test method has its own. */
  static boolean timed(String source) {
    if (CLASS_TIMEOUT.matcher(source).find()) {
      return true;
    }
    Matcher test = TEST_METHOD.matcher(source);
    int tests = 0;
    while (test.find()) {
      tests++;
      // The method's annotations: from the end of the member before it to its parameter list.
      int start =
          Math.max(
              source.lastIndexOf('{', test.start()),
              Math.max(
                  source.lastIndexOf('}', test.start()), source.lastIndexOf(';', test.start())));
      int end = source.indexOf('(', source.indexOf(" void ", test.end()));
      if (start < 0 || end < 0 || !source.substring(start, end).contains("@Timeout")) {
        return false;
      }
    }
    return tests > 0;
  }

  /**
   * Types that wait themselves, or name a type of these sources that does: a test starting {@code
   * RegistryProcess} waits on its process. One step only: a helper that merely passes a {@code
   * RegistryProcess} along (Scans) does not make every user of its Jimfs methods wait; the global
   * default covers what this misses.
   */
  static Set<String> waitingTypes(Map<String, String> sources) {
    Set<String> direct = new TreeSet<>();
    sources.forEach(
        (name, text) -> {
          if (WAITS.matcher(text).find()) {
            direct.add(name);
          }
        });
    Set<String> waiting = new TreeSet<>(direct);
    sources.forEach(
        (name, text) -> {
          for (String type : direct) {
            if (Pattern.compile("\\b" + type + "\\b").matcher(text).find()) {
              waiting.add(name);
              return;
            }
          }
        });
    return waiting;
  }

  /** Every file under src/test/java by the simple name of the type it declares. */
  private static Map<String, String> testSources() throws IOException {
    Map<String, String> sources = new TreeMap<>();
    try (Stream<Path> files = Files.walk(TESTS)) {
      for (Path file :
          (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        String text = Files.readString(file);
        Matcher type = DECLARED_TYPE.matcher(text);
        String name = file.getFileName().toString().replace(".java", "");
        sources.put(type.find() ? type.group(1) : name, text);
      }
    }
    return sources;
  }
}
