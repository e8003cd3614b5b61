package dev.regscope.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keys and certificates for tests, made by the JDK's own {@code keytool} run as a process (no
 * crypto library needed) and read back with {@link KeyStore}: a self-signed signing key for a token
 * issuer, and a CA with a server certificate for {@code 127.0.0.1} for TLS registries.
 */
public final class TestCertificates {
  private static final String PASSWORD = "regscope-test";

  /** A private key, its certificate chain (leaf first), and both as PEM files. */
  public record KeyPair(PrivateKey key, List<X509Certificate> chain, Path chainPem, Path keyPem) {
    public X509Certificate certificate() {
      return chain.get(0);
    }
  }

  /** A server's key pair signed by a CA, and the CA's certificate as PEM (for --ca-file). */
  public record ServerTls(KeyPair server, Path caPem) {}

  private TestCertificates() {}

  /** A self-signed key pair ({@code RSA} or {@code EC}) named {@code CN=<name>}. */
  public static KeyPair selfSigned(Path dir, String name, String algorithm) {
    Path store = dir.resolve(name + ".p12");
    keytool(
        "-genkeypair",
        "-alias",
        name,
        "-keyalg",
        algorithm,
        "-keysize",
        algorithm.equals("EC") ? "256" : "2048",
        "-dname",
        "CN=" + name,
        "-validity",
        "3",
        "-keystore",
        store.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    return read(dir, store, name);
  }

  /** A CA and a server certificate for 127.0.0.1 and localhost that it signed. */
  public static ServerTls server(Path dir) {
    Path ca = dir.resolve("ca.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-keysize",
        "256",
        "-dname",
        "CN=regscope-test-ca",
        "-ext",
        "bc:c",
        "-validity",
        "3",
        "-keystore",
        ca.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    Path server = dir.resolve("server.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "server",
        "-keyalg",
        "EC",
        "-keysize",
        "256",
        "-dname",
        "CN=127.0.0.1",
        "-validity",
        "3",
        "-keystore",
        server.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    Path request = dir.resolve("server.csr");
    keytool(
        "-certreq",
        "-alias",
        "server",
        "-keystore",
        server.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        request.toString());
    Path signed = dir.resolve("server.crt");
    keytool(
        "-gencert",
        "-alias",
        "ca",
        "-keystore",
        ca.toString(),
        "-storepass",
        PASSWORD,
        "-infile",
        request.toString(),
        "-outfile",
        signed.toString(),
        "-rfc",
        "-validity",
        "3",
        "-ext",
        "san=ip:127.0.0.1,dns:localhost",
        "-ext",
        "eku=serverAuth");
    Path caPem = dir.resolve("ca.pem");
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        ca.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        caPem.toString());
    // Put the signed chain back into the server's store, so it is read like any key pair.
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        caPem.toString(),
        "-keystore",
        server.toString(),
        "-storepass",
        PASSWORD);
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "server",
        "-file",
        signed.toString(),
        "-keystore",
        server.toString(),
        "-storepass",
        PASSWORD);
    return new ServerTls(read(dir, server, "server"), caPem);
  }

  private static KeyPair read(Path dir, Path store, String alias) {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, PASSWORD.toCharArray());
      PrivateKey key = (PrivateKey) keys.getKey(alias, PASSWORD.toCharArray());
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate certificate : keys.getCertificateChain(alias)) {
        chain.add((X509Certificate) certificate);
      }
      StringBuilder chainPem = new StringBuilder();
      for (X509Certificate certificate : chain) {
        chainPem.append(pem("CERTIFICATE", certificate.getEncoded()));
      }
      Path chainFile = Files.writeString(dir.resolve(alias + "-chain.pem"), chainPem);
      Path keyFile =
          Files.writeString(dir.resolve(alias + "-key.pem"), pem("PRIVATE KEY", key.getEncoded()));
      return new KeyPair(key, List.copyOf(chain), chainFile, keyFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read " + store, e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static void keytool(String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    try {
      Path output = Files.createTempFile("keytool", ".out");
      try {
        Process process =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError("keytool did not finish: " + command);
        }
        if (process.exitValue() != 0) {
          throw new AssertionError(
              "keytool failed ("
                  + process.exitValue()
                  + "): "
                  + command
                  + "\n"
                  + Files.readString(output));
        }
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running keytool", e);
    }
  }
}
