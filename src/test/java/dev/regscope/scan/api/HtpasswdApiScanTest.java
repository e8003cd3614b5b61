package dev.regscope.scan.api;

import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.CredentialSource;
import dev.regscope.registry.Credentials;
import dev.regscope.testing.Htpasswd;
import java.nio.file.Path;
import java.util.Map;

/** The API source on a registry asking for Basic credentials from an htpasswd file. */
class HtpasswdApiScanTest extends ApiMatchesStorageContract {
  @Override
  String registryYaml(Path dir) {
    return Htpasswd.registryYaml(Htpasswd.write(dir.resolve("htpasswd"), Map.of(USER, PASSWORD)));
  }

  @Override
  ClientSettings access(Path dir) {
    return ClientSettings.defaults()
        .withCredentials(CredentialSource.of(new Credentials.Basic(USER, PASSWORD)));
  }

  /** The first request learns that the registry wants Basic; every later one carries it. */
  @Override
  int challenges() {
    return 1;
  }
}
