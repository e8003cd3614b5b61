package dev.regscope.probe;

import dev.regscope.registry.ClientSettings;
import dev.regscope.testing.RegistryProcess;
import java.nio.file.Path;

/** The probes against a registry without auth. */
class NoAuthProbeTest extends RealRegistryProbeContract {
  @Override
  RegistryProcess start(Path dir) {
    return RegistryProcess.start(dir);
  }

  @Override
  ClientSettings access() {
    return ClientSettings.defaults();
  }
}
