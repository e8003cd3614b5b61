package dev.regscope.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Where the registry binary is looked for, and that its absence skips locally but fails under CI.
 */
class RegistryBinaryTest {

  @Test
  void environmentVariableComesFirst() {
    Path mine = Path.of("/opt/registry/bin/registry");
    Set<Path> executables = Set.of(mine, RegistryBinary.DEBIAN);
    assertThat(
            RegistryBinary.findOrSkip(
                Map.of(RegistryBinary.ENV, mine.toString()), executables::contains))
        .isEqualTo(mine);
  }

  @Test
  void environmentVariableNamingNothingFailsEvenLocally() {
    Map<String, String> env = Map.of(RegistryBinary.ENV, "/nowhere/registry");
    assertThatThrownBy(() -> RegistryBinary.findOrSkip(env, p -> false))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("/nowhere/registry");
  }

  @Test
  void debianBinaryBeforeThePath() {
    Path onPath = Path.of("/usr/local/bin/registry");
    Set<Path> executables = Set.of(onPath, RegistryBinary.DEBIAN);
    assertThat(RegistryBinary.findOrSkip(Map.of("PATH", "/usr/local/bin"), executables::contains))
        .isEqualTo(RegistryBinary.DEBIAN);
  }

  @Test
  void registryOnThePathLast() {
    Path onPath = Path.of("/usr/local/bin/registry");
    assertThat(
            RegistryBinary.findOrSkip(
                Map.of("PATH", "/bin::/usr/local/bin"), Set.of(onPath)::contains))
        .isEqualTo(onPath);
  }

  @Test
  void missingBinarySkipsOnADevelopersMachine() {
    assertThatThrownBy(
            () -> RegistryBinary.findOrSkip(Map.of("PATH", "/bin", "CI", ""), p -> false))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("apt-get install docker-registry");
  }

  @Test
  void missingBinaryFailsUnderCi() {
    assertThatThrownBy(
            () -> RegistryBinary.findOrSkip(Map.of("PATH", "/bin", "CI", "true"), p -> false))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("install Debian's docker-registry");
  }
}
