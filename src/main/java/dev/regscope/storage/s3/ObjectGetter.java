package dev.regscope.storage.s3;

import dev.regscope.storage.FileTooLargeException;
import dev.regscope.storage.s3.ListedTree.Obj;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Reads objects with {@code GetObject}, and keeps the content of small ones (tag links, an upload's
 * {@code startedat}) with the size, time and ETag the listing gave them: the next scan reads such
 * an object again only when the listing shows it changed. Manifests are not kept here: the scan
 * keeps their parsed summaries by digest, and a digest's content never changes.
 */
final class ObjectGetter {
  /** Objects up to this size are kept; a link is 71 bytes. */
  static final int KEPT_UP_TO = 1024;

  private record Kept(long size, long modified, String etag, byte[] content) {
    boolean sameAs(Obj listed) {
      return size == listed.size()
          && modified == listed.modified()
          && Objects.equals(etag, listed.etag());
    }
  }

  private final S3Client s3;
  private final S3Location location;
  private final Map<String, Kept> kept = new ConcurrentHashMap<>();

  ObjectGetter(S3Client s3, S3Location location) {
    this.s3 = s3;
    this.location = location;
  }

  /** Whether {@code key} would be answered without a request. */
  boolean isKept(String key, Obj listed) {
    Kept known = kept.get(key);
    return known != null && known.sameAs(listed);
  }

  /**
   * The content of the object at {@code key} (relative to the v2 prefix) as listed.
   *
   * @throws NoSuchFileException if it was deleted since the listing
   * @throws AccessDeniedException if the bucket's policy refuses to read it
   * @throws StoreFailure if the bucket failed to answer (unreachable, throttled past the retries)
   */
  byte[] get(String key, Obj listed, Path path, int limit) throws IOException {
    if (listed.size() > limit) {
      throw new FileTooLargeException(path.toString(), limit);
    }
    Kept known = kept.get(key);
    if (known != null && known.sameAs(listed)) {
      return known.content();
    }
    ResponseBytes<GetObjectResponse> answer;
    try {
      answer =
          s3.getObjectAsBytes(
              GetObjectRequest.builder()
                  .bucket(location.bucket())
                  .key(location.v2Prefix() + key)
                  .build());
    } catch (SdkException e) {
      String reason = S3Errors.reason(e);
      if (reason.equals(S3Errors.NOT_FOUND)) {
        throw new NoSuchFileException(
            path.toString(), null, "listed, then deleted before the read");
      }
      if (reason.equals(S3Errors.ACCESS_DENIED)) {
        throw new AccessDeniedException(
            path.toString(), null, S3Errors.describe(e) + "; the policy needs s3:GetObject");
      }
      throw new StoreFailure("cannot read " + path + ": " + S3Errors.describe(e), e);
    }
    byte[] content = answer.asByteArray();
    if (content.length > limit) {
      throw new FileTooLargeException(path.toString(), limit);
    }
    String etag = answer.response().eTag();
    // Kept under the listing's attributes only if it is the version listed: one changed in between
    // is read again next time.
    if (content.length <= KEPT_UP_TO
        && content.length == listed.size()
        && (listed.etag() == null || listed.etag().equals(etag))) {
      kept.put(key, new Kept(listed.size(), listed.modified(), listed.etag(), content));
    }
    return content;
  }

  /** Forgets kept objects that {@code listing} no longer holds. */
  void retainListed(ListedTree listing) {
    kept.keySet().removeIf(key -> !(listing.find(key) instanceof Obj));
  }

  /** The bucket failed to answer: the scan's result cannot be trusted, whatever it read. */
  static final class StoreFailure extends IOException {
    StoreFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
