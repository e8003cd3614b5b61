package dev.regscope.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RepositoryUrlTest {
  @Test
  void aTargetIsARegistryAndARepository() {
    RepositoryUrl url = RepositoryUrl.parse("HTTPS://registry.example:5443/team/regscope-probe/");

    assertThat(url.registry()).isEqualTo(new RegistryAddress("https", "registry.example:5443"));
    assertThat(url.repository()).isEqualTo("team/regscope-probe");
    assertThat(url.label()).isEqualTo("registry.example:5443/team/regscope-probe");
    assertThat(url.registry().host()).isEqualTo("registry.example");
  }

  @Test
  void plainHttpOnlyWhenTheUrlSaysSo() {
    assertThat(RepositoryUrl.parse("http://127.0.0.1:5000/a").registry().scheme())
        .isEqualTo("http");
    assertThatThrownBy(() -> RepositoryUrl.parse("registry.example/a"))
        .hasMessageContaining("no scheme in registry.example/a");
    assertThatThrownBy(() -> RepositoryUrl.parse("ftp://registry.example/a"))
        .hasMessageContaining("unknown scheme ftp in ftp://registry.example/a");
  }

  @Test
  void repositoryNamesTheRegistryWouldRefuseAreRefused() {
    for (String bad :
        new String[] {"Upper/case", "a//b", "-lead", "trail-", "a..b", "a:tag", "a@x"}) {
      assertThatThrownBy(() -> RepositoryUrl.parse("https://r.example/" + bad))
          .as(bad)
          .hasMessageContaining("is not one a registry accepts");
    }
    assertThatThrownBy(() -> RepositoryUrl.parse("https://r.example/a b"))
        .hasMessageContaining("not a URL: https://r.example/a b");
    assertThatThrownBy(() -> RepositoryUrl.parse("https://r.example/"))
        .hasMessageContaining("no repository in https://r.example/");
    assertThatThrownBy(() -> RepositoryUrl.parse("https://r.example/" + "a".repeat(256)))
        .hasMessageContaining("over 255 characters");
    for (String good : new String[] {"a", "a/b/c", "a.b_c__d---e", "0/9"}) {
      assertThat(RepositoryUrl.parse("https://r.example/" + good).repository()).isEqualTo(good);
    }
  }
}
