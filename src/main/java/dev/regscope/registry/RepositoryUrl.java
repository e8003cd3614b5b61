package dev.regscope.registry;

/** A repository of a registry, written {@code https://host[:port]/REPOSITORY}. */
public record RepositoryUrl(RegistryAddress registry, String repository) {
  public RepositoryUrl {
    RepositoryName.check(repository);
  }

  /**
   * Parses {@code http(s)://host[:port]/REPOSITORY}; the message of the exception names the value.
   */
  public static RepositoryUrl parse(String url) {
    RegistryAddress registry = RegistryAddress.parse(url);
    String repository = RegistryAddress.path(url);
    if (repository.isEmpty()) {
      throw new IllegalArgumentException(
          "no repository in " + url + ": write " + registry + "/REPOSITORY");
    }
    try {
      return new RepositoryUrl(registry, repository);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (in " + url + ")");
    }
  }

  /** {@code host[:port]/repository}, the target label of probe metrics. */
  public String label() {
    return registry.authority() + "/" + repository;
  }

  @Override
  public String toString() {
    return registry + "/" + repository;
  }
}
