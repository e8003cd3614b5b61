package dev.regscope.probe;

import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.RegistryException;

/**
 * {@code authentication}: a login as {@code docker login} does it, with a fresh token (never a
 * cached one) or a Basic-authenticated {@code GET /v2/}.
 */
final class AuthenticationTest implements ProbeTest {
  @Override
  public ProbeType type() {
    return ProbeType.AUTHENTICATION;
  }

  @Override
  public void run(DistributionClient client, Transfer transfer, int attempt)
      throws RegistryException {
    client.login();
  }
}
