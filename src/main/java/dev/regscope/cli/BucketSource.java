package dev.regscope.cli;

import dev.regscope.metrics.ExpositionPart;
import dev.regscope.metrics.S3Exposition;
import dev.regscope.model.Snapshot;
import dev.regscope.scan.ScanSource;
import dev.regscope.scan.Scanner;
import dev.regscope.storage.s3.S3Requests;
import java.io.IOException;

/** The scan of a bucket, with the requests it sent: for the table's footer and for /metrics. */
final class BucketSource implements ScanSource {
  private final Scanner scanner;
  private final S3Requests requests;

  BucketSource(Scanner scanner, S3Requests requests) {
    this.scanner = scanner;
    this.requests = requests;
  }

  @Override
  public Snapshot scan() throws IOException {
    return scanner.scan();
  }

  @Override
  public int repositoriesScanned() {
    return scanner.repositoriesScanned();
  }

  @Override
  public String costs() {
    return requests.summary();
  }

  /** {@code regscope_s3_requests_total} and {@code regscope_s3_errors_total}, as they stand. */
  ExpositionPart metrics() {
    return S3Exposition.render(requests.requests(), requests.errors());
  }
}
