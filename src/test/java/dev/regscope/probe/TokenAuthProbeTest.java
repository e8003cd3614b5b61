package dev.regscope.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.CredentialSource;
import dev.regscope.registry.Credentials;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.TokenIssuer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * The probes against a registry with token auth ({@code auth.token}), its tokens from a real
 * issuer: one token request per scope for all cycles; the authentication test logs in with a fresh
 * token every cycle, as {@code docker login} would.
 */
class TokenAuthProbeTest extends RealRegistryProbeContract {
  private TokenIssuer issuer;

  @Override
  RegistryProcess start(Path dir) {
    issuer = TokenIssuer.start(dir).user("prober", "pw-1").user("tester", "pw-2");
    return RegistryProcess.start(RegistryProcess.binaryOrSkip(), dir, issuer.registryYaml());
  }

  @Override
  ClientSettings access() {
    return ClientSettings.defaults()
        .withCredentials(CredentialSource.of(new Credentials.Basic("prober", "pw-1")));
  }

  @Override
  void afterCycles(int cycles) {
    // The test's own client asked for tokens too (its calls are counted under the same scopes):
    // every scope at most twice (once per client), the login scope once per cycle.
    Map<String, Integer> issued = issuer.issuedByScope();
    assertThat(issued.get("")).isEqualTo(cycles);
    for (String scope : new String[] {"pull", "pull,push", "delete"}) {
      assertThat(issued.get("repository:" + REPO + ":" + scope)).as(scope).isBetween(1, 2);
    }
    assertThat(issued.keySet())
        .containsExactlyInAnyOrder(
            "",
            "repository:" + REPO + ":pull",
            "repository:" + REPO + ":pull,push",
            "repository:" + REPO + ":delete");
  }

  @AfterEach
  void stopIssuer() {
    if (issuer != null) {
      issuer.close();
    }
  }
}
