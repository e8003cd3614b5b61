package dev.regscope.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {
  @Test
  void statusesMapToKonfluxsClasses() {
    assertThat(ErrorClassifier.forStatus(400)).isEqualTo(ErrorClass.INVALID_REQUEST);
    assertThat(ErrorClassifier.forStatus(405)).isEqualTo(ErrorClass.INVALID_REQUEST);
    assertThat(ErrorClassifier.forStatus(413)).isEqualTo(ErrorClass.INVALID_REQUEST);
    assertThat(ErrorClassifier.forStatus(401)).isEqualTo(ErrorClass.AUTHENTICATION);
    assertThat(ErrorClassifier.forStatus(403)).isEqualTo(ErrorClass.AUTHENTICATION);
    assertThat(ErrorClassifier.forStatus(404)).isEqualTo(ErrorClass.NOT_FOUND);
    assertThat(ErrorClassifier.forStatus(408)).isEqualTo(ErrorClass.TIMEOUT);
    assertThat(ErrorClassifier.forStatus(429)).isEqualTo(ErrorClass.SERVER_ERROR);
    for (int status : List.of(500, 502, 503, 504)) {
      assertThat(ErrorClassifier.forStatus(status)).isEqualTo(ErrorClass.SERVER_ERROR);
    }
    assertThat(ErrorClassifier.forStatus(302)).isEqualTo(ErrorClass.UNKNOWN);
  }

  @Test
  void exceptionsAreClassifiedByTypeAlongTheCauseChain() {
    assertThat(classify(new ConnectException())).isEqualTo(ErrorClass.NETWORK_ERROR);
    assertThat(classify(new ConnectException("x").initCause(new UnresolvedAddressException())))
        .isEqualTo(ErrorClass.NETWORK_ERROR);
    assertThat(classify(new UnknownHostException("nowhere"))).isEqualTo(ErrorClass.NETWORK_ERROR);
    assertThat(classify(new SSLHandshakeException("PKIX"))).isEqualTo(ErrorClass.NETWORK_ERROR);
    assertThat(classify(new EOFException())).isEqualTo(ErrorClass.NETWORK_ERROR);
    assertThat(classify(new IOException("closed"))).isEqualTo(ErrorClass.NETWORK_ERROR);
    assertThat(classify(new HttpConnectTimeoutException("x"))).isEqualTo(ErrorClass.TIMEOUT);
    assertThat(classify(new HttpTimeoutException("x"))).isEqualTo(ErrorClass.TIMEOUT);
    assertThat(classify(new TimeoutException())).isEqualTo(ErrorClass.TIMEOUT);
    assertThat(classify(new IllegalStateException("bug"))).isEqualTo(ErrorClass.UNKNOWN);
    assertThat(ErrorClassifier.isTls(new IOException(new SSLHandshakeException("x")))).isTrue();
    assertThat(ErrorClassifier.isTls(new ConnectException())).isFalse();
  }

  @Test
  void errorBodiesGiveTheirCodesAndNothingElseCounts() {
    assertThat(
            ErrorBody.codes(
                "{\"errors\":[{\"code\":\"UNSUPPORTED\",\"message\":\"The operation is unsupported.\"}]}"
                    .getBytes()))
        .containsExactly("UNSUPPORTED");
    assertThat(ErrorBody.codes("<html>502 Bad Gateway</html>".getBytes())).isEmpty();
    assertThat(ErrorBody.codes(null)).isEmpty();
  }

  private static ErrorClass classify(Throwable cause) {
    return ErrorClassifier.forThrowable(new ExecutionException(cause));
  }
}
