package dev.regscope.registry;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How HTTPS servers are trusted: the system's trust store, plus the certificates of {@code caFile}
 * (PEM) when given; or, only when asked, nothing is verified at all.
 */
public record TlsSettings(Optional<Path> caFile, boolean insecureSkipVerify) {
  public static final TlsSettings SYSTEM = new TlsSettings(Optional.empty(), false);
}
