package dev.regscope.scan.api;

import dev.regscope.model.ApiError;
import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.ErrorClass;
import dev.regscope.registry.Page;
import dev.regscope.registry.RegistryException;
import dev.regscope.scan.RepositoryFilter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The repositories a scan reads: the ones named, or the catalog's page by page. A refused catalog
 * (most public and cloud registries refuse it) says so and asks for the repositories by name.
 */
final class RepositoryList {
  private RepositoryList() {}

  static List<String> read(
      DistributionClient client, List<String> named, RepositoryFilter filter, int pageSize)
      throws ApiScanException {
    if (!named.isEmpty()) {
      return named;
    }
    List<String> all = new ArrayList<>();
    Optional<URI> next = Optional.empty();
    try {
      do {
        Page page = client.catalog(pageSize, next);
        for (String repository : page.items()) {
          if (filter.includes(repository)) {
            all.add(repository);
          }
        }
        next = page.next();
      } while (next.isPresent());
    } catch (RegistryException e) {
      throw refused(client, e);
    }
    return all;
  }

  /**
   * Why the catalog failed. A 401 or 403 is either credentials the registry refuses or a catalog
   * these credentials may not list; a login tells which.
   */
  private static ApiScanException refused(DistributionClient client, RegistryException e) {
    int status = e.status().orElse(0);
    String registry = client.registry().toString();
    if (status == 401 || status == 403) {
      try {
        client.login();
      } catch (RegistryException login) {
        return new ApiScanException(
            ApiError.AUTHENTICATION,
            registry + " refuses the credentials: " + login.getMessage(),
            login);
      }
    }
    if (status == 401 || status == 403 || status == 404 || e.unsupported()) {
      return new ApiScanException(
          ApiError.CATALOG_REFUSED,
          registry
              + " does not list its repositories ("
              + status
              + "): name them, as "
              + registry
              + "/REPOSITORY, with --repository, or as repositories: in a targets file",
          e);
    }
    ApiError reason = ApiErrors.reason(e);
    return new ApiScanException(
        reason,
        (e.errorClass() == ErrorClass.NETWORK_ERROR ? "cannot reach " : "cannot list ")
            + registry
            + ": "
            + e.getMessage(),
        e);
  }
}
