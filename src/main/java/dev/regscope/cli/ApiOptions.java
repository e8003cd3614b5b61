package dev.regscope.cli;

import dev.regscope.scan.api.ApiScanSettings;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How a registry URL as SOURCE is read over the HTTP API (a picocli mixin): which repositories, how
 * many requests at once, and the page size of listings.
 */
final class ApiOptions {
  @Option(
      names = "--repository",
      paramLabel = "NAME",
      description =
          "With a registry URL as SOURCE: read this repository (repeatable; also written as URL/NAME); "
              + "without one, every repository of the catalog")
  List<String> repositories = new ArrayList<>();

  @Option(
      names = "--api-concurrency",
      paramLabel = "N",
      defaultValue = "8",
      description =
          "Requests in flight to a registry's HTTP API at once (default: ${DEFAULT-VALUE})")
  int concurrency;

  @Option(
      names = "--api-page-size",
      paramLabel = "N",
      defaultValue = "" + ApiScanSettings.DEFAULT_PAGE_SIZE,
      description =
          "Entries asked per page of the catalog and of tag lists (n=; default: ${DEFAULT-VALUE})")
  int pageSize;
}
