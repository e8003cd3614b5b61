package dev.regscope.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DockerConfigTest {
  private static DockerConfig parse(String json) throws Exception {
    return DockerConfig.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String auth(String userAndPassword) {
    return Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void entriesGiveBasicCredentialsFromAuthOrUsernameAndPassword() throws Exception {
    DockerConfig config =
        parse(
            "{\"auths\":{\"registry.example:5000\":{\"auth\":\""
                + auth("robot:pa:ss")
                + "\"},\"https://other.example/v1/\":{\"username\":\"u\",\"password\":\"p\"}}}");

    assertThat(config.forRegistry(RegistryAddress.parse("https://registry.example:5000")))
        .isEqualTo(new Credentials.Basic("robot", "pa:ss"));
    assertThat(config.forRegistry(RegistryAddress.parse("https://other.example/")))
        .isEqualTo(new Credentials.Basic("u", "p"));
    assertThat(config.forRegistry(RegistryAddress.parse("https://registry.example:5001")))
        .isEqualTo(Credentials.ANONYMOUS);
  }

  @Test
  void anEntryWithoutAPortMatchesTheHostOnAnyPort() throws Exception {
    DockerConfig config =
        parse("{\"auths\":{\"Registry.Example\":{\"auth\":\"" + auth("a:b") + "\"}}}");

    assertThat(config.forRegistry(RegistryAddress.parse("http://registry.example:5000")))
        .isEqualTo(new Credentials.Basic("a", "b"));
  }

  @Test
  void anIdentityTokenWinsOverThePassword() throws Exception {
    DockerConfig config =
        parse(
            "{\"auths\":{\"r.example\":{\"auth\":\""
                + auth("<token>:")
                + "\",\"identitytoken\":\"refresh-me\"}}}");

    assertThat(config.forRegistry(RegistryAddress.parse("https://r.example")))
        .isEqualTo(new Credentials.IdentityToken("<token>", "refresh-me"));
  }

  @Test
  void dockerHubsEntryServesItsApiHost() throws Exception {
    DockerConfig config =
        parse("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + auth("me:pw") + "\"}}}");

    assertThat(config.forRegistry(RegistryAddress.parse("https://registry-1.docker.io")))
        .isEqualTo(new Credentials.Basic("me", "pw"));
  }

  @Test
  void aBadEntryIsAnErrorThatNamesTheHostButNoSecret() {
    assertThatThrownBy(() -> parse("{\"auths\":{\"r.example\":{\"auth\":\"%%%secret\"}}}"))
        .hasMessage("the auth of r.example is not base64");
    assertThatThrownBy(() -> parse("[]")).hasMessageContaining("not a JSON object");
  }

  @Test
  void credentialsNeverPrintTheirSecret() {
    assertThat(new Credentials.Basic("u", "hunter2").toString()).doesNotContain("hunter2");
    assertThat(new Credentials.IdentityToken("u", "tok").toString()).doesNotContain("tok");
  }
}
