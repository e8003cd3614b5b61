package dev.regscope.scan.api;

import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.RepositoryName;
import dev.regscope.scan.RepositoryFilter;
import java.util.List;
import java.util.Objects;

/**
 * What one API source reads and how hard it may push the registry.
 *
 * @param repositories the repositories to read; empty to read every repository of the catalog
 * @param filter which repositories of the catalog to read
 * @param tags which tags of each repository to read
 * @param pageSize {@code n} of catalog and tag-list pages
 * @param concurrency requests in flight to the registry at once
 */
public record ApiScanSettings(
    List<String> repositories,
    RepositoryFilter filter,
    TagSelection tags,
    int pageSize,
    int concurrency) {
  public static final int DEFAULT_PAGE_SIZE = 100;

  public ApiScanSettings {
    repositories = List.copyOf(repositories);
    repositories.forEach(RepositoryName::check);
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(tags, "tags");
    if (pageSize < 1) {
      throw new IllegalArgumentException("page size must be at least 1, not " + pageSize);
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, not " + concurrency);
    }
  }

  /** Every repository of the catalog, every tag, pages of 100, 8 requests at once. */
  public static ApiScanSettings defaults() {
    return new ApiScanSettings(
        List.of(),
        RepositoryFilter.ALL,
        TagSelection.ALL,
        DEFAULT_PAGE_SIZE,
        ClientSettings.DEFAULT_CONCURRENCY);
  }

  public ApiScanSettings withRepositories(List<String> value) {
    return new ApiScanSettings(value, filter, tags, pageSize, concurrency);
  }

  public ApiScanSettings withFilter(RepositoryFilter value) {
    return new ApiScanSettings(repositories, value, tags, pageSize, concurrency);
  }

  public ApiScanSettings withTags(TagSelection value) {
    return new ApiScanSettings(repositories, filter, value, pageSize, concurrency);
  }

  public ApiScanSettings withPageSize(int value) {
    return new ApiScanSettings(repositories, filter, tags, value, concurrency);
  }

  public ApiScanSettings withConcurrency(int value) {
    return new ApiScanSettings(repositories, filter, tags, pageSize, value);
  }
}
