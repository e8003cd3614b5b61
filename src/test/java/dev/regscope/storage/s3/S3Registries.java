package dev.regscope.storage.s3;

import dev.regscope.model.ScanProblem;
import dev.regscope.scan.RepositoryFilter;
import dev.regscope.scan.Scanner;
import dev.regscope.storage.StorageLayout;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.S3ProxyProcess;
import dev.regscope.testing.Scans;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/** What the S3 source's tests share: clients, scanners and registries on an S3Proxy bucket. */
final class S3Registries {
  static final String BUCKET = "registry";

  private S3Registries() {}

  /** A client of {@code endpoint} with the test credentials, counting into {@code requests}. */
  static S3Client client(URI endpoint, S3Requests requests) {
    return client(endpoint, requests, S3ProxyProcess.IDENTITY, S3ProxyProcess.CREDENTIAL);
  }

  static S3Client client(URI endpoint, S3Requests requests, String identity, String secret) {
    return new S3Connection(Optional.of(endpoint), true, Optional.empty())
        .open(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(identity, secret)),
            requests,
            8);
  }

  /** A scanner of the registry under {@code root} in the bucket, as the CLI builds one. */
  static Scanner scanner(
      S3Client client, String root, S3Requests requests, Consumer<ScanProblem> log) {
    S3Location location = new S3Location(BUCKET, root);
    return new Scanner(
        StorageLayout.at(location.v2Root()),
        new S3TreeReader(client, location, 8, requests),
        Scans.CLOCK,
        log,
        8,
        RepositoryFilter.ALL);
  }

  /**
   * The registry config for the {@code s3} driver on S3Proxy's bucket; {@code rootdirectory} {@code
   * root}.
   */
  static String s3Storage(URI endpoint, String root) {
    return String.join(
        "\n",
        "storage:",
        "  s3:",
        "    accesskey: " + S3ProxyProcess.IDENTITY,
        "    secretkey: " + S3ProxyProcess.CREDENTIAL,
        "    region: us-east-1",
        "    regionendpoint: " + endpoint,
        "    bucket: " + BUCKET,
        "    rootdirectory: /" + root,
        "    secure: false",
        "    v4auth: true",
        "    forcepathstyle: true",
        // Blob GETs and HEADs answered by the registry itself, not by a redirect to the bucket.
        "  redirect:",
        "    disable: true",
        "");
  }

  /** Starts the real registry with the {@code s3} driver on the bucket, files under {@code dir}. */
  static RegistryProcess onBucket(Path dir, S3ProxyProcess s3, String root) {
    return RegistryProcess.start(
        RegistryProcess.binaryOrSkip(), dir, s3Storage(s3.endpoint(), root));
  }

  /**
   * Sets every file's modification time to its whole second: S3 keeps object times to the second,
   * so a tree with finer times cannot read the same as a folder (tags' push times come from them).
   */
  static void wholeSeconds(Path tree) {
    try (Stream<Path> files = Files.walk(tree)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        long millis = Files.getLastModifiedTime(file).toMillis();
        Files.setLastModifiedTime(file, FileTime.from(millis / 1000, TimeUnit.SECONDS));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The exposition without the one line that must differ: how long each scan took. */
  static String withoutDuration(String exposition) {
    return String.join(
        "\n",
        exposition
            .lines()
            .filter(line -> !line.startsWith("regscope_scan_duration_seconds "))
            .toList());
  }

  static List<String> lines(String text) {
    return text.lines().toList();
  }
}
