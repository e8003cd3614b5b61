package dev.regscope.registry;

import dev.regscope.core.Digest;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * A blob body checked while it streams: hashed and counted chunk by chunk, handed to a sink, and
 * failed as soon as it runs past its size, or at its end if its size or digest differ. Holds no
 * more than one chunk.
 */
final class VerifyingBody implements BodySubscriber<Long> {
  private final Digest expected;
  private final long expectedSize;
  private final Consumer<ByteBuffer> sink;
  private final MessageDigest hasher;
  private final CompletableFuture<Long> result = new CompletableFuture<>();
  private Flow.Subscription subscription;
  private long received;

  /** {@code expectedSize} below zero: not known, only the digest is checked. */
  VerifyingBody(Digest expected, long expectedSize, Consumer<ByteBuffer> sink) {
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.sink = sink;
    this.hasher = ContentDigest.hasher(expected.algorithm());
  }

  @Override
  public CompletionStage<Long> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer buffer : buffers) {
      received += buffer.remaining();
      if (expectedSize >= 0 && received > expectedSize) {
        subscription.cancel();
        result.completeExceptionally(mismatch("more than its " + expectedSize + " bytes arrived"));
        return;
      }
      hasher.update(buffer.duplicate());
      sink.accept(buffer);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    if (result.isDone()) {
      return;
    }
    if (expectedSize >= 0 && received != expectedSize) {
      result.completeExceptionally(
          mismatch(received + " bytes arrived, the registry says " + expectedSize));
      return;
    }
    Digest actual = ContentDigest.of(expected.algorithm(), hasher);
    if (!actual.equals(expected)) {
      result.completeExceptionally(mismatch("its bytes hash to " + actual));
      return;
    }
    result.complete(received);
  }

  /** Content that does not match its address was served wrong: a server-side failure. */
  private RegistryException mismatch(String detail) {
    return RegistryException.badContent(
        ContentFault.DIGEST_MISMATCH, "blob " + expected + " does not match: " + detail, null);
  }
}
