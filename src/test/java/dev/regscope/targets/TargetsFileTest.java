package dev.regscope.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regscope.scan.api.TagSelection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetsFileTest {
  @TempDir Path dir;

  private List<TargetSpec> parse(String yaml) throws TargetsFileException {
    return TargetsFile.parse(yaml.getBytes(StandardCharsets.UTF_8), dir.resolve("targets.yaml"));
  }

  private void refused(String yaml, String... mentions) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(TargetsFileException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains(mentions).doesNotContain("\n"));
  }

  @Test
  void everyKeyOfAnEntry() throws Exception {
    Files.writeString(dir.resolve("password"), "s3cret");
    Files.createDirectories(dir.resolve("docker"));
    Files.writeString(dir.resolve("docker/config.json"), "{\"auths\":{}}");
    List<TargetSpec> targets =
        parse(
            """
            - name: hub
              url: https://registry-1.docker.io/library/alpine
              repositories: [library/busybox]
              include: 'v?\\d+\\.\\d+\\.\\d+'
              exclude: '.*-rc.*'
              keep: 5
              keepBy: semver
              interval: 5m
              concurrency: 2
              username: bot
              passwordFile: password
            - url: http://127.0.0.1:5000
              dockerConfig: docker
              insecureSkipTlsVerify: true
            """);
    assertThat(targets).hasSize(2);
    TargetSpec hub = targets.get(0);
    assertThat(hub.name()).isEqualTo("hub");
    assertThat(hub.registry().toString()).isEqualTo("https://registry-1.docker.io");
    assertThat(hub.repositories()).containsExactly("library/alpine", "library/busybox");
    assertThat(hub.keep()).isEqualTo(OptionalInt.of(5));
    assertThat(hub.keepBy()).isEqualTo(TagSelection.Order.SEMVER);
    assertThat(hub.interval()).contains(Duration.ofMinutes(5));
    assertThat(hub.concurrency()).isEqualTo(OptionalInt.of(2));
    assertThat(hub.access().passwordFile()).contains(dir.resolve("password"));
    assertThat(hub.tags().select(List.of("1.0.0", "1.1.0-rc.1", "latest")))
        .containsExactly("1.0.0");
    TargetSpec local = targets.get(1);
    assertThat(local.name()).isEqualTo("127.0.0.1:5000");
    assertThat(local.repositories()).isEmpty();
    assertThat(local.access().dockerConfig()).contains(dir.resolve("docker"));
    assertThat(local.access().insecureSkipTlsVerify()).isTrue();
    assertThat(local.interval()).isEmpty();
  }

  @Test
  void theSameTextGivesEqualEntries() throws Exception {
    String yaml = "- url: https://a.example\n  include: 'v.*'\n  keep: 3\n";
    assertThat(parse(yaml)).isEqualTo(parse(yaml));
    assertThat(parse(yaml)).isNotEqualTo(parse(yaml.replace("keep: 3", "keep: 4")));
  }

  @Test
  void badFilesAreRefusedWithOneLineNamingTheFileEntryAndValue() {
    refused("- url: [", "targets.yaml", "not YAML");
    refused("url: https://a.example", "not a YAML list");
    refused("- name: x", "target 1", "no url");
    refused("- url: registry.example/app", "target 1", "no scheme");
    refused("- url: ftp://registry.example", "target 1", "unknown scheme ftp");
    refused("- url: https://a.example/Bad_Name", "Bad_Name");
    refused("- url: https://a.example\n  keep: 0", "target 1 (a.example)", "keep", "0");
    refused("- url: https://a.example\n  keepBy: newest", "keepBy", "newest");
    refused("- url: https://a.example\n  interval: soon", "interval", "soon");
    refused("- url: https://a.example\n  include: '('", "include", "(");
    refused("- url: https://a.example\n  unknown: 1", "unknown key unknown");
    refused("- url: https://a.example\n  username: u", "passwordFile");
    refused(
        "- url: https://a.example\n  username: u\n  passwordFile: /no/such/file",
        "passwordFile",
        "/no/such/file",
        "cannot be read");
    refused("- url: https://a.example\n- url: https://a.example", "target 2", "a.example", "taken");
  }

  @Test
  void anEmptyListIsNoTargets() throws Exception {
    assertThat(parse("[]")).isEmpty();
  }
}
