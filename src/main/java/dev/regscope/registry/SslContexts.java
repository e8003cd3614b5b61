package dev.regscope.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/** Builds the {@link SSLContext} {@link TlsSettings} describe. */
final class SslContexts {
  private SslContexts() {}

  static SSLContext of(TlsSettings tls) throws IOException {
    try {
      if (tls.insecureSkipVerify()) {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustEverything()}, new SecureRandom());
        return context;
      }
      if (tls.caFile().isEmpty()) {
        return SSLContext.getDefault();
      }
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int n = 0;
      for (X509Certificate system : systemTrust().getAcceptedIssuers()) {
        trusted.setCertificateEntry("system-" + n++, system);
      }
      Collection<? extends Certificate> extra;
      try (InputStream in = Files.newInputStream(tls.caFile().get())) {
        extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
      }
      if (extra.isEmpty()) {
        throw new IOException("no certificate in " + tls.caFile().get());
      }
      for (Certificate certificate : extra) {
        trusted.setCertificateEntry("ca-file-" + n++, certificate);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "cannot use "
              + tls.caFile().map(Object::toString).orElse("the system trust store")
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static X509TrustManager systemTrust() throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("the JDK has no X.509 trust manager");
  }

  /**
   * --insecure-skip-tls-verify: an extended trust manager that checks nothing, the host name
   * included (the JDK delegates that check to extended trust managers).
   */
  private static final class TrustEverything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
