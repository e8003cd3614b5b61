package dev.regscope.probe;

import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.CredentialSource;
import dev.regscope.registry.Credentials;
import dev.regscope.testing.Htpasswd;
import dev.regscope.testing.RegistryProcess;
import java.nio.file.Path;
import java.util.Map;

/** The probes against a registry that asks for Basic credentials from an htpasswd file. */
class HtpasswdProbeTest extends RealRegistryProbeContract {
  @Override
  RegistryProcess start(Path dir) {
    Path file = Htpasswd.write(dir.resolve("htpasswd"), Map.of("prober", "pw-1"));
    return RegistryProcess.start(RegistryProcess.binaryOrSkip(), dir, Htpasswd.registryYaml(file));
  }

  @Override
  ClientSettings access() {
    return ClientSettings.defaults()
        .withCredentials(CredentialSource.of(new Credentials.Basic("prober", "pw-1")));
  }
}
