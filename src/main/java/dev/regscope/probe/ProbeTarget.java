package dev.regscope.probe;

import dev.regscope.registry.RepositoryUrl;

/**
 * A repository the probes work in: {@code target} label {@code host[:port]/repository}, and
 * Konflux's {@code tested_registry} label, the registry's {@code host[:port]}.
 */
public record ProbeTarget(RepositoryUrl url) {
  public String label() {
    return url.label();
  }

  public String testedRegistry() {
    return url.registry().authority();
  }

  public String repository() {
    return url.repository();
  }

  @Override
  public String toString() {
    return url.toString();
  }
}
