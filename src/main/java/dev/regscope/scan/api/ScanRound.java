package dev.regscope.scan.api;

import dev.regscope.core.Digest;
import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.RegistryException;
import dev.regscope.scan.ScanProblems;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The requests of one scan over the API, on the source's pool: every repository's tag list, then
 * every tag. A registry that stops answering (network failure or timeout, after the client's
 * retries) stops the round: the rest would fail the same way, each after its own retries.
 */
final class ScanRound {
  private final DistributionClient client;
  private final ApiScanSettings settings;
  private final ManifestMemo memo;
  private final ScanProblems problems;
  private final ExecutorService pool;
  private final boolean named;
  private final Runnable progress;
  private final Set<Digest> usedManifests = ConcurrentHashMap.newKeySet();
  private final Set<Digest> usedBlobs = ConcurrentHashMap.newKeySet();
  private final Map<Digest, Long> declaredSizes = new ConcurrentHashMap<>();
  private final AtomicReference<ApiScanException> unreachable = new AtomicReference<>();

  /**
   * @param named whether the repositories were named rather than listed by the catalog
   * @param progress told of each repository whose tags are listed
   */
  ScanRound(
      DistributionClient client,
      ApiScanSettings settings,
      ManifestMemo memo,
      ScanProblems problems,
      ExecutorService pool,
      boolean named,
      Runnable progress) {
    this.client = client;
    this.settings = settings;
    this.memo = memo;
    this.problems = problems;
    this.pool = pool;
    this.named = named;
    this.progress = progress;
  }

  /** Reads the repositories; each comes back read or failed, unless the round stopped. */
  Map<String, RepositoryRead.Result> read(List<String> names) {
    List<RepositoryRead> reads = new ArrayList<>();
    List<Future<?>> listings = new ArrayList<>();
    for (String name : names) {
      RepositoryRead read =
          new RepositoryRead(
              client,
              name,
              new RemoteManifests(
                  client, name, memo, problems, usedManifests, usedBlobs, declaredSizes),
              memo,
              declaredSizes);
      reads.add(read);
      listings.add(pool.submit(() -> list(read)));
    }
    await(listings);
    List<Future<?>> tags = new ArrayList<>();
    for (RepositoryRead read : reads) {
      for (String tag : read.tags()) {
        tags.add(
            pool.submit(
                () -> {
                  if (unreachable.get() == null) {
                    read.readTag(tag);
                    read.failure().ifPresent(this::stopIfUnreachable);
                  }
                }));
      }
    }
    await(tags);
    Map<String, RepositoryRead.Result> results = new LinkedHashMap<>();
    for (RepositoryRead read : reads) {
      results.put(
          read.name(), read.failure().<RepositoryRead.Result>map(f -> f).orElseGet(read::result));
    }
    return results;
  }

  private void list(RepositoryRead read) {
    if (unreachable.get() != null) {
      return;
    }
    try {
      read.listTags(settings.pageSize(), settings.tags(), named);
      progress.run();
    } catch (RegistryException e) {
      read.fail(e);
      read.failure().ifPresent(this::stopIfUnreachable);
    }
  }

  private void stopIfUnreachable(RepositoryRead.Failed failed) {
    if (ApiErrors.unreachable(failed.reason())) {
      unreachable.compareAndSet(
          null,
          new ApiScanException(
              failed.reason(),
              "cannot reach " + client.registry() + ": " + failed.message(),
              failed.cause()));
    }
  }

  Optional<ApiScanException> unreachable() {
    return Optional.ofNullable(unreachable.get());
  }

  Set<Digest> usedManifests() {
    return usedManifests;
  }

  Set<Digest> usedBlobs() {
    return usedBlobs;
  }

  private static void await(List<Future<?>> futures) {
    for (Future<?> future : futures) {
      try {
        future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        futures.forEach(f -> f.cancel(true));
        throw new IllegalStateException("interrupted while reading the registry", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
      }
    }
  }
}
