package dev.regscope.registry;

/**
 * A token scope in the registry's own notation: {@code repository:NAME:ACTIONS}, {@code
 * registry:catalog:*}, or none (a login). Tokens are cached per scope.
 */
record Scope(String value) {
  static final Scope NONE = new Scope("");
  static final Scope CATALOG = new Scope("registry:catalog:*");

  /** What a request of {@code method} on {@code repository} needs, as registry 2.8 asks for it. */
  static Scope forRequest(String repository, String method) {
    String actions =
        switch (method) {
          case "GET", "HEAD" -> "pull";
          case "DELETE" -> "delete";
          default -> "pull,push";
        };
    return new Scope("repository:" + repository + ":" + actions);
  }

  boolean isNone() {
    return value.isEmpty();
  }

  @Override
  public String toString() {
    return isNone() ? "(no scope)" : value;
  }
}
