package dev.regscope.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the Distribution registry binary for tests, and decides what its absence means: a skipped
 * test on a developer's machine, a failed build under CI, where a skip would hide that the registry
 * tests never ran.
 */
final class RegistryBinary {
  static final String ENV = "REGSCOPE_REGISTRY_BIN";
  static final Path DEBIAN = Path.of("/usr/bin/docker-registry");

  private RegistryBinary() {}

  /**
   * {@code $REGSCOPE_REGISTRY_BIN}, else Debian's binary, else {@code registry} on the PATH; else
   * skip or fail.
   */
  static Path findOrSkip(Map<String, String> env, Predicate<Path> executable) {
    String configured = env.get(ENV);
    if (configured != null && !configured.isEmpty()) {
      Path binary = Path.of(configured);
      if (!executable.test(binary)) {
        fail(ENV + "=" + configured + " is not an executable file");
      }
      return binary;
    }
    Optional<Path> found =
        executable.test(DEBIAN) ? Optional.of(DEBIAN) : onPath(env, "registry", executable);
    if (found.isPresent()) {
      return found.get();
    }
    String message =
        "no Distribution registry binary (looked at $"
            + ENV
            + ", "
            + DEBIAN
            + " and registry on the PATH); install Debian's docker-registry: apt-get install docker-registry";
    String ci = env.get("CI");
    if (ci != null && !ci.isEmpty()) {
      fail(message);
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable: abort throws");
  }

  private static Optional<Path> onPath(
      Map<String, String> env, String name, Predicate<Path> executable) {
    String path = env.get("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Stream.of(path.split(System.getProperty("path.separator")))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, name))
        .filter(executable)
        .findFirst();
  }
}
