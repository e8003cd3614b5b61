package dev.regscope.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryNamesTest {
  @TempDir Path dir;

  @Test
  void theAliasesFileMapsEveryAliasToItsCanonicalName() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("aliases.json"),
            "{\"registry.example.com\": [\"registry.example.com:443\", \"registry.svc:5000\"], \"other\": []}");
    RegistryNames names = RegistryNames.read(file);
    assertThat(names.canonical("registry.svc:5000")).isEqualTo("registry.example.com");
    assertThat(names.canonical("REGISTRY.example.com:443")).isEqualTo("registry.example.com");
    assertThat(names.canonical("registry.example.com")).isEqualTo("registry.example.com");
    assertThat(names.canonical("unknown:5000")).isEqualTo("unknown:5000");
    assertThat(names.canonical(null)).isEmpty();
  }

  @Test
  void aBadFileFailsWithItsPathAndWhatIsWrong() throws IOException {
    assertBad("[1, 2]", "expected an object of canonical names to arrays of aliases");
    assertBad("{\"a\": \"b\"}", "aliases of a are not an array");
    assertBad("{\"a\": [1]}", "alias 1 of a is not a string");
    assertBad("{\"a\": [\"x\"], \"b\": [\"x\"]}", "alias x names both");
    assertBad("{oops", "not JSON");
  }

  private void assertBad(String json, String message) throws IOException {
    Path file = Files.writeString(dir.resolve("bad.json"), json);
    assertThatThrownBy(() -> RegistryNames.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining(message);
  }
}
