package dev.regscope.registry;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A body read into memory up to a limit: past it the exchange fails ({@code strict}, for manifests
 * and token answers) or the rest is dropped (error bodies, read only for their codes).
 */
final class LimitedBytes implements BodySubscriber<byte[]> {
  private final int limit;
  private final boolean strict;
  private final String what;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private Flow.Subscription subscription;

  LimitedBytes(int limit, boolean strict, String what) {
    this.limit = limit;
    this.strict = strict;
    this.what = what;
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    for (ByteBuffer buffer : buffers) {
      int n = buffer.remaining();
      if (bytes.size() + n > limit) {
        if (strict) {
          subscription.cancel();
          result.completeExceptionally(
              RegistryException.badContent(
                  ContentFault.MALFORMED, what + " is over " + limit + " bytes", null));
          return;
        }
        n = limit - bytes.size();
      }
      byte[] chunk = new byte[n];
      buffer.get(chunk);
      bytes.write(chunk, 0, n);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    result.complete(bytes.toByteArray());
  }
}
