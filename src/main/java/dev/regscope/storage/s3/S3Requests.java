package dev.regscope.storage.s3;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Every request sent to the bucket, by operation, and every error met, by reason, since start:
 * requests are what object storage costs, so each attempt counts, retries included.
 */
public final class S3Requests {
  /** Reasons an error is counted under; {@link S3Errors} maps exceptions to them. */
  static final String THROTTLED = "throttled";

  static final String SERVER_ERROR = "server_error";

  /** The operations a scan sends; each is exported from the start, so increase() sees the first. */
  static final List<String> OPERATIONS = List.of("GetObject", "ListObjectsV2");

  /** Every reason an error is counted under, exported from the start as well. */
  static final List<String> REASONS =
      List.of(
          S3Errors.ACCESS_DENIED,
          S3Errors.CONNECTION,
          S3Errors.EMPTY_ROOT,
          S3Errors.INVALID_CREDENTIALS,
          S3Errors.NO_SUCH_BUCKET,
          S3Errors.NOT_FOUND,
          S3Errors.OTHER,
          SERVER_ERROR,
          THROTTLED,
          S3Errors.TRUNCATED_LISTING);

  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

  public S3Requests() {
    OPERATIONS.forEach(operation -> requests.put(operation, new LongAdder()));
    REASONS.forEach(reason -> errors.put(reason, new LongAdder()));
  }

  /** Requests so far by operation ({@code ListObjectsV2}, {@code GetObject}), sorted. */
  public Map<String, Long> requests() {
    return sums(requests);
  }

  /** Errors so far by reason ({@code throttled}, {@code access_denied}, ...), sorted. */
  public Map<String, Long> errors() {
    return sums(errors);
  }

  /** The number of requests of {@code operation} so far. */
  public long requests(String operation) {
    LongAdder count = requests.get(operation);
    return count == null ? 0 : count.sum();
  }

  /** One line for a table's footer: the requests by operation, and errors if there were any. */
  public String summary() {
    StringBuilder line = new StringBuilder("S3 requests:");
    requests()
        .forEach(
            (operation, count) -> line.append(' ').append(count).append(' ').append(operation));
    StringBuilder failed = new StringBuilder();
    errors()
        .forEach(
            (reason, count) -> {
              if (count > 0) {
                failed.append(' ').append(count).append(' ').append(reason);
              }
            });
    if (failed.length() > 0) {
      line.append("; errors:").append(failed);
    }
    return line.toString();
  }

  void error(String reason) {
    errors.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  /** Counts each attempt as it is sent, and each error as it comes back. */
  ExecutionInterceptor interceptor() {
    return new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(
          Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        requests
            .computeIfAbsent(operation == null ? "unknown" : operation, o -> new LongAdder())
            .increment();
      }

      @Override
      public void afterTransmission(
          Context.AfterTransmission context, ExecutionAttributes attributes) {
        // Retried answers are seen only here: each one counts.
        int status = context.httpResponse().statusCode();
        if (status == 503 || status == 429) {
          error(THROTTLED);
        } else if (status >= 500) {
          error(SERVER_ERROR);
        }
      }

      @Override
      public void onExecutionFailure(
          Context.FailedExecution context, ExecutionAttributes attributes) {
        Throwable failure = context.exception();
        if (failure instanceof S3Exception s3 && s3.statusCode() >= 500) {
          return; // counted with each attempt
        }
        if (failure instanceof S3Exception s3 && s3.statusCode() == 429) {
          return;
        }
        error(S3Errors.reason(failure));
      }
    };
  }

  private static Map<String, Long> sums(Map<String, LongAdder> counters) {
    Map<String, Long> sums = new TreeMap<>();
    counters.forEach((key, count) -> sums.put(key, count.sum()));
    return sums;
  }
}
