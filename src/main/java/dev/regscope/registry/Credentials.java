package dev.regscope.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/** What a client proves itself with: nothing, a user name and password, or an identity token. */
public sealed interface Credentials
    permits Credentials.Anonymous, Credentials.Basic, Credentials.IdentityToken {

  Credentials ANONYMOUS = new Anonymous();

  /** No credentials: anonymous access, and anonymous tokens where the registry hands them out. */
  record Anonymous() implements Credentials {}

  /** A user name and password, sent as HTTP Basic to the registry or to its token realm. */
  record Basic(String username, String password) implements Credentials {
    public Basic {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
    }

    String header() {
      return "Basic "
          + Base64.getEncoder()
              .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return "Basic[" + username + "]";
    }
  }

  /**
   * A {@code config.json} {@code identitytoken}: an OAuth2 refresh token, exchanged at the token
   * realm with {@code grant_type=refresh_token}.
   */
  record IdentityToken(String username, String token) implements Credentials {
    public IdentityToken {
      Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
      return "IdentityToken[" + username + "]";
    }
  }
}
