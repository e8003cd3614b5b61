package dev.regscope.scan.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.CredentialSource;
import dev.regscope.registry.Credentials;
import dev.regscope.testing.TokenIssuer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The API source on a registry with token auth: a token issuer started by the test signs real JWTs
 * the registry verifies. Over two scans, one token per scope (the catalog, each repository's pull).
 */
class TokenAuthApiScanTest extends ApiMatchesStorageContract {
  private TokenIssuer issuer;

  @Override
  void startHelpers(Path dir) {
    issuer = TokenIssuer.start(dir).user(USER, PASSWORD);
  }

  @Override
  void stopHelpers() {
    if (issuer != null) {
      issuer.close();
    }
  }

  @Override
  String registryYaml(Path dir) {
    return issuer.registryYaml();
  }

  @Override
  ClientSettings access(Path dir) {
    return ClientSettings.defaults()
        .withCredentials(CredentialSource.of(new Credentials.Basic(USER, PASSWORD)));
  }

  /** The first request learns the challenge; every later one carries its scope's token. */
  @Override
  int challenges() {
    return 1;
  }

  @Override
  void afterScans(List<String> repositories) {
    Map<String, Integer> expected = new TreeMap<>();
    expected.put("registry:catalog:*", 1);
    repositories.forEach(repository -> expected.put("repository:" + repository + ":pull", 1));
    assertThat(issuer.issuedByScope(USER)).isEqualTo(expected);
  }
}
