package dev.regscope.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where credentials come from. File-backed sources read their file again when it changes (a rotated
 * Kubernetes Secret takes effect without a restart); a file that becomes unreadable keeps the last
 * good credentials and says why in the log.
 */
public interface CredentialSource {
  /** The credentials to use for {@code registry} now. */
  Credentials forRegistry(RegistryAddress registry);

  static CredentialSource anonymous() {
    return registry -> Credentials.ANONYMOUS;
  }

  static CredentialSource of(Credentials credentials) {
    return registry -> credentials;
  }

  /**
   * {@code username} with the password held in {@code passwordFile} (surrounding whitespace
   * dropped); throws if the file cannot be read now.
   */
  static CredentialSource passwordFile(String username, Path passwordFile) throws IOException {
    return new Watched<>(
        passwordFile,
        bytes -> {
          String password = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).strip();
          if (password.isEmpty()) {
            throw new IOException("is empty");
          }
          return new Credentials.Basic(username, password);
        },
        (credentials, registry) -> credentials);
  }

  /** The {@code config.json} in {@code directory}; throws if it cannot be read or parsed now. */
  static CredentialSource dockerConfig(Path directory) throws IOException {
    return new Watched<>(
        directory.resolve("config.json"), DockerConfig::parse, DockerConfig::forRegistry);
  }

  /** A file read again whenever its modification time or size changes. */
  final class Watched<T> implements CredentialSource {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialSource.class);

    interface Reader<T> {
      T read(byte[] bytes) throws IOException;
    }

    interface Lookup<T> {
      Credentials lookup(T parsed, RegistryAddress registry);
    }

    private final Path file;
    private final Reader<T> reader;
    private final Lookup<T> lookup;
    private T current;
    private FileTime modified;
    private long size;

    Watched(Path file, Reader<T> reader, Lookup<T> lookup) throws IOException {
      this.file = file;
      this.reader = reader;
      this.lookup = lookup;
      reload();
    }

    private void reload() throws IOException {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      // Remembered first: a bad version is reported once, not on every request until it changes.
      modified = attributes.lastModifiedTime();
      size = attributes.size();
      try {
        current = reader.read(Files.readAllBytes(file));
      } catch (IOException e) {
        throw new IOException(file + " " + e.getMessage(), e);
      }
    }

    @Override
    public synchronized Credentials forRegistry(RegistryAddress registry) {
      try {
        BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
        if (!now.lastModifiedTime().equals(modified) || now.size() != size) {
          reload();
          LOG.info("credentials read again from {}", file);
        }
      } catch (IOException e) {
        LOG.warn("keeping the last credentials: cannot read {}: {}", file, e.getMessage());
      }
      return lookup.lookup(current, registry);
    }
  }
}
