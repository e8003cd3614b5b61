package dev.regscope.scan.api;

import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.TlsSettings;
import dev.regscope.testing.TestCertificates;
import java.nio.file.Path;
import java.util.Optional;

/** The API source on a registry serving HTTPS with a certificate from a test CA. */
class TlsApiScanTest extends ApiMatchesStorageContract {
  private TestCertificates.ServerTls tls;

  @Override
  String registryYaml(Path dir) {
    tls = TestCertificates.server(dir);
    return "http:\n  tls:\n    certificate: "
        + tls.server().chainPem().toAbsolutePath()
        + "\n    key: "
        + tls.server().keyPem().toAbsolutePath()
        + "\n";
  }

  @Override
  ClientSettings access(Path dir) {
    return ClientSettings.defaults().withTls(new TlsSettings(Optional.of(tls.caPem()), false));
  }

  @Override
  int challenges() {
    return 0;
  }
}
