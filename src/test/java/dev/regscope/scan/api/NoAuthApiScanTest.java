package dev.regscope.scan.api;

import dev.regscope.registry.ClientSettings;
import java.nio.file.Path;

/** The API source on a registry without auth. */
class NoAuthApiScanTest extends ApiMatchesStorageContract {
  @Override
  String registryYaml(Path dir) {
    return "";
  }

  @Override
  ClientSettings access(Path dir) {
    return ClientSettings.defaults();
  }

  @Override
  int challenges() {
    return 0;
  }
}
