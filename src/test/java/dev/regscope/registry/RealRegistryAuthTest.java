package dev.regscope.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regscope.core.Digest;
import dev.regscope.testing.Htpasswd;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.TestCertificates;
import dev.regscope.testing.TokenIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auth and TLS as real registries do them, against Debian's docker-registry 2.8: Basic from an
 * htpasswd file, the Bearer token flow with a token issuer whose JWTs the registry verifies, a
 * Docker config.json with an identity token, and HTTPS with a private CA.
 */
@Timeout(120)
class RealRegistryAuthTest {
  private static final String REPO = "auth/test";
  private static final String OCI = "application/vnd.oci.image.manifest.v1+json";

  @TempDir Path dir;

  private static DistributionClient client(RegistryProcess registry, ClientSettings settings)
      throws Exception {
    return DistributionClient.create(
        RegistryAddress.parse(registry.baseUri().toString()), settings);
  }

  private static ClientSettings as(Credentials credentials) {
    return ClientSettings.defaults()
        .withTimeout(Duration.ofSeconds(10))
        .withRetries(RetryPolicy.none())
        .withCredentials(CredentialSource.of(credentials));
  }

  /** Uploads a config and a manifest tagged {@code tag}; returns the manifest's digest. */
  private static Digest pushSomething(DistributionClient client, String tag) throws Exception {
    byte[] config = ("{\"tag\":\"" + tag + "\"}").getBytes();
    client.pushBlob(REPO, BlobContent.of(config));
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + OCI
                + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + ContentDigest.sha256(config)
                + "\",\"size\":"
                + config.length
                + "},\"layers\":[]}")
            .getBytes();
    return client.putManifest(REPO, tag, OCI, manifest);
  }

  @Test
  void basicCredentialsFromHtpasswdAndWhatWrongOrMissingOnesGet() throws Exception {
    Path passwords = Htpasswd.write(dir.resolve("htpasswd"), Map.of("prober", "s3cret"));
    try (RegistryProcess registry =
        RegistryProcess.start(
            RegistryProcess.binaryOrSkip(), dir, Htpasswd.registryYaml(passwords))) {
      DistributionClient good = client(registry, as(new Credentials.Basic("prober", "s3cret")));
      assertThat(good.login()).isEqualTo(Login.BASIC);
      Digest pushed = pushSomething(good, "v1");
      assertThat(good.getManifest(REPO, "v1").digest()).isEqualTo(pushed);

      DistributionClient wrong = client(registry, as(new Credentials.Basic("prober", "nope")));
      assertThatThrownBy(wrong::login)
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.errorClass()).isEqualTo(ErrorClass.AUTHENTICATION);
                assertThat(e.status()).hasValue(401);
              });
      assertThatThrownBy(() -> wrong.getManifest(REPO, "v1"))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> assertThat(e.errorClass()).isEqualTo(ErrorClass.AUTHENTICATION));
      DistributionClient anonymous = client(registry, as(Credentials.ANONYMOUS));
      assertThatThrownBy(anonymous::login)
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.errorClass()).isEqualTo(ErrorClass.AUTHENTICATION);
                assertThat(e.getMessage()).contains("none is configured");
              });
    }
  }

  @Test
  void bearerTokensAreFetchedOncePerScopeAndLoginsAlwaysFetchAFreshOne() throws Exception {
    try (TokenIssuer issuer = TokenIssuer.start(dir).user("prober", "s3cret");
        RegistryProcess registry =
            RegistryProcess.start(RegistryProcess.binaryOrSkip(), dir, issuer.registryYaml())) {
      DistributionClient client = client(registry, as(new Credentials.Basic("prober", "s3cret")));
      for (int i = 0; i < 5; i++) {
        Digest pushed = pushSomething(client, "v" + i);
        assertThat(client.getManifest(REPO, "v" + i).digest()).isEqualTo(pushed);
        assertThat(client.headManifest(REPO, "v" + i)).isPresent();
        client.deleteManifest(REPO, pushed);
      }
      assertThat(client.login()).isEqualTo(Login.BEARER);
      assertThat(client.login()).isEqualTo(Login.BEARER);

      assertThat(issuer.issuedByScope())
          .isEqualTo(
              Map.of(
                  "repository:" + REPO + ":pull,push",
                  1,
                  "repository:" + REPO + ":pull",
                  1,
                  "repository:" + REPO + ":delete",
                  1,
                  "",
                  2));
    }
  }

  @Test
  void aTokenIsFetchedAgainShortlyBeforeItsLifetimeEnds() throws Exception {
    try (TokenIssuer issuer =
            TokenIssuer.start(dir).user("prober", "s3cret").lifetime(Duration.ofSeconds(2));
        RegistryProcess registry =
            RegistryProcess.start(RegistryProcess.binaryOrSkip(), dir, issuer.registryYaml())) {
      DistributionClient client = client(registry, as(new Credentials.Basic("prober", "s3cret")));
      long start = System.nanoTime();
      while (System.nanoTime() - start < Duration.ofMillis(5500).toNanos()) {
        assertThat(client.headManifest(REPO, "none")).isEmpty();
        Thread.sleep(100);
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      // Reused for 1.8 s (2 s less a tenth), then fetched again: never once per request (~50).
      int fetched = issuer.issued("repository:" + REPO + ":pull");
      assertThat(fetched).isBetween(3, (int) Math.ceil(elapsed / 1.8) + 1);
    }
  }

  @Test
  void anIdentityTokenFromConfigJsonIsExchangedAtTheRealmForAccessTokens() throws Exception {
    try (TokenIssuer issuer =
            TokenIssuer.start(dir).identityToken("refresh-123", "prober").answerAccessToken();
        RegistryProcess registry =
            RegistryProcess.start(RegistryProcess.binaryOrSkip(), dir, issuer.registryYaml())) {
      Path docker = Files.createDirectories(dir.resolve("docker"));
      String host = registry.baseUri().getRawAuthority();
      Files.writeString(
          docker.resolve("config.json"),
          "{\"auths\":{\""
              + host
              + "\":{\"auth\":\""
              + Base64.getEncoder().encodeToString("<token>:".getBytes())
              + "\",\"identitytoken\":\"refresh-123\"}}}");
      DistributionClient client =
          client(
              registry,
              as(Credentials.ANONYMOUS).withCredentials(CredentialSource.dockerConfig(docker)));

      Digest pushed = pushSomething(client, "idt");
      assertThat(client.getManifest(REPO, "idt").digest()).isEqualTo(pushed);
      assertThat(client.login()).isEqualTo(Login.BEARER);
      assertThat(issuer.issued("repository:" + REPO + ":pull,push")).isEqualTo(1);
      assertThat(issuer.refused()).isZero();
    }
  }

  @Test
  void aPasswordTheRealmRefusesIsAnAuthenticationError() throws Exception {
    try (TokenIssuer issuer = TokenIssuer.start(dir).user("prober", "s3cret");
        RegistryProcess registry =
            RegistryProcess.start(RegistryProcess.binaryOrSkip(), dir, issuer.registryYaml())) {
      DistributionClient client = client(registry, as(new Credentials.Basic("prober", "wrong")));
      for (ThrowingCall call :
          new ThrowingCall[] {client::login, () -> client.headManifest(REPO, "x")}) {
        assertThatThrownBy(call::run)
            .isInstanceOfSatisfying(
                RegistryException.class,
                e -> {
                  assertThat(e.errorClass()).isEqualTo(ErrorClass.AUTHENTICATION);
                  assertThat(e.getMessage()).contains("refused").doesNotContain("wrong");
                });
      }
    }
  }

  @Test
  void httpsWithAPrivateCaNeedsTheCaFileOrNoVerificationAtAll() throws Exception {
    TestCertificates.ServerTls tls = TestCertificates.server(dir);
    String yaml =
        "http:\n  tls:\n    certificate: "
            + tls.server().chainPem().toAbsolutePath()
            + "\n    key: "
            + tls.server().keyPem().toAbsolutePath()
            + "\n";
    try (RegistryProcess registry =
        RegistryProcess.start(RegistryProcess.binaryOrSkip(), dir, yaml)) {
      assertThat(registry.baseUri().getScheme()).isEqualTo("https");
      ClientSettings anonymous = as(Credentials.ANONYMOUS);

      DistributionClient trusting =
          client(registry, anonymous.withTls(new TlsSettings(Optional.of(tls.caPem()), false)));
      assertThat(trusting.login()).isEqualTo(Login.ANONYMOUS);
      pushSomething(trusting, "tls");

      DistributionClient system = client(registry, anonymous);
      assertThatThrownBy(system::login)
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.errorClass()).isEqualTo(ErrorClass.NETWORK_ERROR);
                assertThat(e.getMessage()).contains("TLS failure");
              });

      DistributionClient blind =
          client(registry, anonymous.withTls(new TlsSettings(Optional.empty(), true)));
      assertThat(blind.getManifest(REPO, "tls").size()).isPositive();
    }
  }

  private interface ThrowingCall {
    void run() throws Exception;
  }
}
