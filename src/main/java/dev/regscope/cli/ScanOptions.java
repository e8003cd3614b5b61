package dev.regscope.cli;

import dev.regscope.metrics.SeriesBudget;
import dev.regscope.metrics.SeriesFilter;
import dev.regscope.metrics.TagFamily;
import dev.regscope.registry.RegistryAddress;
import dev.regscope.registry.RepositoryName;
import dev.regscope.scan.RepositoryFilter;
import dev.regscope.scan.ScanSource;
import dev.regscope.scan.ScanTimeout;
import dev.regscope.scan.ScanWatchdog;
import dev.regscope.scan.Scanner;
import dev.regscope.scan.api.ApiScanSettings;
import dev.regscope.scan.api.ApiScanner;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options that shape a scan and its series, shared by {@code serve} and {@code scan}. */
final class ScanOptions {
  private static final Logger LOG = LoggerFactory.getLogger("dev.regscope.scan");

  @Option(
      names = "--scan-threads",
      defaultValue = "16",
      description =
          "Folders read in parallel; network storage gains from more threads than cores (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(
      names = "--tag-metrics",
      paramLabel = "FAMILIES",
      defaultValue = "layers,size,unpullable",
      description =
          "Tag-level families to export, comma-separated: layers, size, platform, info, pushed,"
              + " unpullable, pulled, or all, or none (default: ${DEFAULT-VALUE}); repository series"
              + " stay exact")
  String tagMetrics;

  @Option(
      names = "--tag-series-budget",
      paramLabel = "N",
      defaultValue = "200000",
      description =
          "Log a warning once when a scan's tag-level series pass N, about what a default Prometheus"
              + " scrapes in well under its 10 s timeout; 0 never warns (default: ${DEFAULT-VALUE})")
  long tagSeriesBudget;

  @Option(
      names = "--include-repository",
      paramLabel = "REGEX",
      description =
          "Export only repositories whose whole name matches (all are read: garbage collection marks them all)")
  Pattern includeRepository;

  @Option(
      names = "--exclude-repository",
      paramLabel = "REGEX",
      description = "Export no series for repositories whose whole name matches")
  Pattern excludeRepository;

  @Option(
      names = "--full-rescan-interval",
      defaultValue = "1h",
      converter = DurationConverter.class,
      description =
          "How often a scan checks every blob folder and cached manifest again instead of trusting folder"
              + " mtimes, which shared storage (NFS) may report stale; 0 checks everything every scan"
              + " (default: ${DEFAULT-VALUE})")
  Duration fullRescanInterval;

  Duration fullRescanInterval() {
    return fullRescanInterval;
  }

  @Option(
      names = "--include-tag",
      paramLabel = "REGEX",
      description = "Export tag-level series only for tags whose whole name matches")
  Pattern includeTag;

  @Option(
      names = "--exclude-tag",
      paramLabel = "REGEX",
      description = "Export no tag-level series for tags whose whole name matches")
  Pattern excludeTag;

  @Option(
      names = "--scan-timeout",
      paramLabel = "DURATION",
      defaultValue = "auto",
      description =
          "A scan running longer is abandoned, logged with the path it was waiting on, and the last"
              + " snapshot stays published; auto: 10 times the slowest of the last 5 scans, at least"
              + " 2m, and 30m for the first scan (default: ${DEFAULT-VALUE})")
  String scanTimeout;

  @Mixin S3Options s3;

  /** Checks what picocli's types cannot; a bad value is a usage error (exit code 2). */
  void validate(CommandSpec spec) {
    if (threads < 1) {
      throw new ParameterException(
          spec.commandLine(), "--scan-threads must be at least 1, not " + threads);
    }
    timeout(spec);
    tagFamilies(spec);
    if (tagSeriesBudget < 0) {
      throw new ParameterException(
          spec.commandLine(), "--tag-series-budget must be 0 or more, not " + tagSeriesBudget);
    }
    s3.validate(spec);
  }

  /** The families {@code --tag-metrics} names; an unknown name is a usage error. */
  private Set<TagFamily> tagFamilies(CommandSpec spec) {
    try {
      return TagFamily.parse(tagMetrics);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--tag-metrics: " + e.getMessage());
    }
  }

  /** When to warn about the tag-level series a scan exports. */
  SeriesBudget seriesBudget() {
    return new SeriesBudget(tagSeriesBudget);
  }

  /** The timeout {@code --scan-timeout} asks for. */
  ScanTimeout timeout(CommandSpec spec) {
    if (scanTimeout.strip().equals("auto")) {
      return ScanTimeout.derived();
    }
    Duration fixed;
    try {
      fixed = new DurationConverter().convert(scanTimeout);
    } catch (CommandLine.TypeConversionException e) {
      throw new ParameterException(
          spec.commandLine(), "--scan-timeout: " + e.getMessage() + ", or auto");
    }
    if (fixed.isZero()) {
      throw new ParameterException(
          spec.commandLine(),
          "--scan-timeout must be longer than 0 (a scan must be able to finish), or auto");
    }
    return ScanTimeout.fixed(fixed);
  }

  /**
   * The scan of {@code source}: the storage walk for a folder, the API source for a registry URL; a
   * usage error where this version cannot read such a source.
   */
  ScanSource scanner(
      CommandSpec spec,
      SourceArgument.Source source,
      Clock clock,
      ApiOptions api,
      RegistryAccessOptions access) {
    return scanner(spec, source, clock, api, access, UnaryOperator.identity());
  }

  /**
   * The same, with {@code readers} wrapping the storage reader (tests inject faults there). Either
   * source runs under the scan timeout.
   */
  ScanSource scanner(
      CommandSpec spec,
      SourceArgument.Source source,
      Clock clock,
      ApiOptions api,
      RegistryAccessOptions access,
      UnaryOperator<TreeReader> readers) {
    if (source instanceof SourceArgument.Registry registry) {
      return new ScanWatchdog(apiScanner(spec, registry, clock, api, access), timeout(spec));
    }
    if (!api.repositories.isEmpty()) {
      throw new BadValue(spec.commandLine(), "--repository needs a registry URL as SOURCE");
    }
    if (source instanceof SourceArgument.Bucket bucket) {
      return s3.source(spec, bucket, this, clock);
    }
    if (!(source instanceof SourceArgument.Folder folder)) {
      throw new ParameterException(
          spec.commandLine(), "reading " + source + " is not supported yet");
    }
    return new ScanWatchdog(scanner(folder.layout(), clock, readers), timeout(spec));
  }

  private ScanSource apiScanner(
      CommandSpec spec,
      SourceArgument.Registry registry,
      Clock clock,
      ApiOptions api,
      RegistryAccessOptions access) {
    List<String> repositories = new ArrayList<>();
    registry.repository().ifPresent(repositories::add);
    repositories.addAll(api.repositories);
    for (String name : repositories) {
      try {
        RepositoryName.check(name);
      } catch (IllegalArgumentException e) {
        throw new BadValue(spec.commandLine(), e.getMessage());
      }
    }
    if (api.concurrency < 1) {
      throw new BadValue(
          spec.commandLine(), "--api-concurrency must be at least 1, not " + api.concurrency);
    }
    if (api.pageSize < 1) {
      throw new BadValue(
          spec.commandLine(), "--api-page-size must be at least 1, not " + api.pageSize);
    }
    ApiScanSettings settings =
        ApiScanSettings.defaults()
            .withRepositories(repositories.stream().distinct().toList())
            .withFilter(repositoryFilter())
            .withPageSize(api.pageSize)
            .withConcurrency(api.concurrency);
    try {
      return ApiScanner.create(
          RegistryAddress.parse(registry.base().toString()),
          access.clientSettings(spec),
          settings,
          clock,
          problem -> LOG.warn("{}", problem));
    } catch (IllegalArgumentException e) {
      throw new BadValue(spec.commandLine(), e.getMessage());
    } catch (IOException e) {
      throw new BadValue(spec.commandLine(), "--ca-file " + e.getMessage());
    }
  }

  /** The scan of a folder, without a timeout. */
  private Scanner scanner(StorageLayout layout, Clock clock, UnaryOperator<TreeReader> readers) {
    return new Scanner(
        layout,
        readers.apply(new NioTreeReader(layout.root())),
        clock,
        problem -> LOG.warn("{}", problem),
        threads,
        repositoryFilter(),
        fullRescanInterval);
  }

  RepositoryFilter repositoryFilter() {
    return new RepositoryFilter(
        Optional.ofNullable(includeRepository), Optional.ofNullable(excludeRepository));
  }

  SeriesFilter seriesFilter() {
    return new SeriesFilter(
        TagFamily.parse(tagMetrics),
        Optional.ofNullable(includeTag),
        Optional.ofNullable(excludeTag));
  }
}
