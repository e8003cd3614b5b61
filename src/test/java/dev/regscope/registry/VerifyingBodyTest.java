package dev.regscope.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regscope.core.Digest;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifyingBodyTest {
  private final byte[] content = "hello, registry".getBytes();
  private final Digest digest = ContentDigest.sha256(content);
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final AtomicLong sunk = new AtomicLong();

  private VerifyingBody body(Digest expected, long size) {
    VerifyingBody body = new VerifyingBody(expected, size, b -> sunk.addAndGet(b.remaining()));
    body.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {
            cancelled.set(true);
          }
        });
    return body;
  }

  private void feed(VerifyingBody body, byte[] bytes) {
    body.onNext(List.of(ByteBuffer.wrap(bytes, 0, 5), ByteBuffer.wrap(bytes, 5, bytes.length - 5)));
  }

  @Test
  void aMatchingBodyCompletesWithItsSizeAndReachesTheSink() throws Exception {
    VerifyingBody body = body(digest, content.length);
    feed(body, content);
    body.onComplete();

    assertThat(body.getBody().toCompletableFuture().get()).isEqualTo(content.length);
    assertThat(sunk.get()).isEqualTo(content.length);
  }

  @Test
  void otherBytesOfTheSameSizeFailAsAServerError() {
    byte[] other = content.clone();
    other[0] ^= 1;
    VerifyingBody body = body(digest, content.length);
    feed(body, other);
    body.onComplete();

    assertThatThrownBy(() -> body.getBody().toCompletableFuture().get())
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("does not match: its bytes hash to")
        .satisfies(
            e ->
                assertThat(((RegistryException) e).errorClass())
                    .isEqualTo(ErrorClass.SERVER_ERROR));
  }

  @Test
  void aBodyLongerThanItsSizeIsStoppedAsSoonAsItRunsOver() {
    VerifyingBody body = body(digest, content.length - 1);
    feed(body, content);

    assertThat(cancelled).isTrue();
    assertThat(body.getBody().toCompletableFuture()).isCompletedExceptionally();
  }

  @Test
  void aShortBodyFailsAtItsEnd() {
    VerifyingBody body = body(digest, content.length + 1);
    feed(body, content);
    body.onComplete();

    assertThatThrownBy(() -> body.getBody().toCompletableFuture().get())
        .hasMessageContaining(
            content.length + " bytes arrived, the registry says " + (content.length + 1));
  }
}
