package dev.regscope.cli;

import dev.regscope.scan.Scanner;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.s3.S3Connection;
import dev.regscope.storage.s3.S3Location;
import dev.regscope.storage.s3.S3Requests;
import dev.regscope.storage.s3.S3TreeReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * How to reach an {@code s3://} SOURCE; credentials come only from the AWS SDK's default chain,
 * never from an option.
 */
final class S3Options {
  private static final Logger LOG = LoggerFactory.getLogger("dev.regscope.scan");

  @Option(
      names = "--s3-endpoint",
      paramLabel = "URL",
      description =
          "For an s3:// SOURCE: the endpoint of an S3-compatible store (MinIO, Ceph RGW, ...), as the"
              + " registry's regionendpoint; default: AWS")
  String endpoint;

  @Option(
      names = "--s3-path-style",
      description =
          "For an s3:// SOURCE: address the bucket in the path (http://host/BUCKET/KEY), as the"
              + " registry's forcepathstyle; most S3-compatible stores need it")
  boolean pathStyle;

  @Option(
      names = "--s3-region",
      paramLabel = "REGION",
      description =
          "For an s3:// SOURCE: the bucket's region; default: AWS_REGION or the profile's, or"
              + " us-east-1 with --s3-endpoint")
  String region;

  /** Refuses an endpoint that is not an http(s) URL: one line naming it, exit code 2. */
  void validate(CommandSpec spec) {
    endpoint(spec);
  }

  private Optional<URI> endpoint(CommandSpec spec) {
    if (endpoint == null) {
      return Optional.empty();
    }
    String expected = " (expected http://HOST[:PORT] or https://HOST[:PORT])";
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw new BadValue(spec.commandLine(), "--s3-endpoint is not a URL: " + endpoint + expected);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || uri.getHost().isEmpty()) {
      throw new BadValue(spec.commandLine(), "--s3-endpoint is not a URL: " + endpoint + expected);
    }
    Addresses.resolve(spec, "--s3-endpoint " + endpoint, uri.getHost());
    return Optional.of(uri);
  }

  /** The scan of {@code bucket}, with credentials from the SDK's default chain, checked now. */
  BucketSource source(
      CommandSpec spec, SourceArgument.Bucket bucket, ScanOptions options, Clock clock) {
    return source(spec, bucket, options, clock, DefaultCredentialsProvider.builder().build());
  }

  BucketSource source(
      CommandSpec spec,
      SourceArgument.Bucket bucket,
      ScanOptions options,
      Clock clock,
      AwsCredentialsProvider credentials) {
    S3Connection connection =
        new S3Connection(endpoint(spec), pathStyle, Optional.ofNullable(region));
    S3Requests requests = new S3Requests();
    try {
      S3Connection.checkCredentials(credentials);
      S3Location location = new S3Location(bucket.bucket(), bucket.rootDirectory());
      S3TreeReader reader =
          new S3TreeReader(
              connection.open(credentials, requests, options.threads),
              location,
              options.threads,
              requests);
      Scanner scanner =
          new Scanner(
              StorageLayout.at(location.v2Root()),
              reader,
              clock,
              problem -> LOG.warn("{}", problem),
              options.threads,
              options.repositoryFilter(),
              options.fullRescanInterval());
      return new BucketSource(scanner, requests);
    } catch (IllegalArgumentException e) {
      throw new BadValue(spec.commandLine(), e.getMessage());
    }
  }
}
