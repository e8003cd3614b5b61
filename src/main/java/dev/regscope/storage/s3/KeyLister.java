package dev.regscope.storage.s3;

import dev.regscope.storage.s3.ListedTree.Listed;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Lists every key of a registry's v2 tree once, with size, ETag and last-modified, in pages of
 * disjoint prefixes fetched in parallel. The prefixes are found by listing with a delimiter, one
 * level at a time from {@code repositories/} and {@code blobs/}, until there are enough of them to
 * keep every thread busy; each is then listed in full. A listing that fails in any part fails as a
 * whole: a scan must not mistake keys it could not list for keys that are gone.
 */
final class KeyLister {
  /** Levels below {@code repositories/} and {@code blobs/} the search for prefixes goes down. */
  private static final int MAX_DEPTH = 3;

  private final S3Client s3;
  private final S3Location location;
  private final ExecutorService pool;
  private final int parallelism;
  private final S3Requests requests;

  KeyLister(
      S3Client s3,
      S3Location location,
      ExecutorService pool,
      int parallelism,
      S3Requests requests) {
    this.s3 = s3;
    this.location = location;
    this.pool = pool;
    this.parallelism = parallelism;
    this.requests = requests;
  }

  /** Every key below the v2 prefix, relative to it, sorted. */
  List<Listed> listAll() throws IOException {
    List<Listed> keys = new ArrayList<>();
    List<String> prefixes = List.of("repositories/", "blobs/");
    // Enough prefixes for every thread, with some to spare for uneven sizes.
    for (int depth = 0; depth < MAX_DEPTH && prefixes.size() < 4 * parallelism; depth++) {
      List<Level> levels = inParallel(prefixes, this::level);
      List<String> deeper = new ArrayList<>();
      for (Level level : levels) {
        keys.addAll(level.files());
        deeper.addAll(level.prefixes());
      }
      prefixes = deeper;
    }
    for (List<Listed> part : inParallel(coarsened(prefixes), this::all)) {
      keys.addAll(part);
    }
    keys.sort(Comparator.comparing(Listed::key));
    return keys;
  }

  /**
   * Siblings named with the same number of characters (the blob store's 256 two-hex folders) are
   * listed together by all but their last character ({@code blobs/sha256/a}): 16 listings instead
   * of 256, each still a prefix of its own, and disjoint. Names of uneven length stay apart, as one
   * could be the beginning of another.
   */
  static List<String> coarsened(List<String> prefixes) {
    java.util.Map<String, List<String>> byParent = new java.util.LinkedHashMap<>();
    for (String prefix : prefixes) {
      String folder = prefix.substring(0, prefix.length() - 1);
      String parent = folder.substring(0, folder.lastIndexOf('/') + 1);
      byParent.computeIfAbsent(parent, p -> new ArrayList<>()).add(prefix);
    }
    List<String> coarse = new ArrayList<>();
    byParent.forEach(
        (parent, children) -> {
          long widths = children.stream().mapToInt(String::length).distinct().count();
          int width = children.get(0).length() - parent.length() - 1;
          if (children.size() < 32 || widths != 1 || width < 2) {
            coarse.addAll(children);
            return;
          }
          java.util.Set<String> groups = new java.util.TreeSet<>();
          for (String child : children) {
            groups.add(child.substring(0, child.length() - 2));
          }
          coarse.addAll(groups);
        });
    return coarse;
  }

  /** The keys directly below a prefix and the prefixes one level down. */
  private record Level(List<Listed> files, List<String> prefixes) {}

  private Level level(String prefix) throws IOException {
    List<Listed> files = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    String token = null;
    do {
      ListObjectsV2Response page = page(prefix, "/", token);
      page.contents().forEach(object -> files.add(listed(object)));
      for (CommonPrefix common : page.commonPrefixes()) {
        prefixes.add(common.prefix().substring(location.v2Prefix().length()));
      }
      token = next(page, prefix);
    } while (token != null);
    return new Level(files, prefixes);
  }

  private List<Listed> all(String prefix) throws IOException {
    List<Listed> keys = new ArrayList<>();
    String token = null;
    do {
      ListObjectsV2Response page = page(prefix, null, token);
      page.contents().forEach(object -> keys.add(listed(object)));
      token = next(page, prefix);
    } while (token != null);
    return keys;
  }

  private ListObjectsV2Response page(String prefix, String delimiter, String token)
      throws IOException {
    try {
      return s3.listObjectsV2(
          ListObjectsV2Request.builder()
              .bucket(location.bucket())
              .prefix(location.v2Prefix() + prefix)
              .delimiter(delimiter)
              .continuationToken(token)
              .build());
    } catch (SdkException e) {
      throw new IOException(
          "cannot list "
              + location.url(prefix)
              + ": "
              + S3Errors.describe(e)
              + (S3Errors.reason(e).equals(S3Errors.ACCESS_DENIED)
                  ? "; the policy needs s3:ListBucket"
                  : ""),
          e);
    }
  }

  /**
   * The next page's token, or null at the end; a page that says more follows but not where fails.
   */
  private String next(ListObjectsV2Response page, String prefix) throws IOException {
    if (!Boolean.TRUE.equals(page.isTruncated())) {
      return null;
    }
    String token = page.nextContinuationToken();
    if (token == null || token.isEmpty()) {
      requests.error(S3Errors.TRUNCATED_LISTING);
      throw new IOException(
          "the listing of "
              + location.url(prefix)
              + " was cut short: a page said more keys follow but gave no continuation token");
    }
    return token;
  }

  private Listed listed(S3Object object) {
    return new Listed(
        object.key().substring(location.v2Prefix().length()),
        object.size() == null ? 0 : object.size(),
        object.lastModified() == null ? 0 : object.lastModified().toEpochMilli(),
        object.eTag());
  }

  /** A listing step that may fail. */
  private interface Step<T> {
    T run(String prefix) throws IOException;
  }

  /** Runs {@code step} for each prefix on the pool; the first failure fails them all. */
  private <T> List<T> inParallel(List<String> prefixes, Step<T> step) throws IOException {
    List<Future<T>> futures = new ArrayList<>();
    for (String prefix : prefixes) {
      futures.add(
          pool.submit(
              () -> {
                try {
                  return step.run(prefix);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }));
    }
    List<T> results = new ArrayList<>();
    try {
      for (Future<T> future : futures) {
        results.add(future.get());
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while listing " + location);
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      Throwable cause = e.getCause();
      if (cause instanceof java.io.UncheckedIOException unchecked) {
        throw unchecked.getCause();
      }
      throw new IOException("listing " + location + " failed: " + cause, cause);
    }
    return results;
  }
}
