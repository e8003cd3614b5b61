package dev.regscope.cli;

import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.CredentialSource;
import dev.regscope.registry.TlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * How regscope reaches registries over HTTP (a picocli mixin): credentials and TLS trust, for the
 * probes and the registry API source alike.
 */
public final class RegistryAccessOptions {
  @Option(
      names = "--username",
      paramLabel = "USER",
      description = "User name for every registry; the password is read from --password-file")
  String username;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "File holding the password of --username (read again when it changes)")
  Path passwordFile;

  @Option(
      names = "--docker-config",
      paramLabel = "DIR",
      defaultValue = "${env:DOCKER_CONFIG}",
      description =
          "Folder of a Docker config.json whose auths give credentials per registry host, as a "
              + "kubernetes.io/dockerconfigjson Secret mounts it (default: $DOCKER_CONFIG)")
  Path dockerConfig;

  @Option(
      names = "--ca-file",
      paramLabel = "FILE",
      description = "PEM certificates trusted for HTTPS besides the system's (a private CA)")
  Path caFile;

  @Option(
      names = "--insecure-skip-tls-verify",
      description = "Do not verify registries' HTTPS certificates at all (for tests only)")
  boolean insecureSkipTlsVerify;

  /** Client settings with these credentials and trust; bad values are one-line usage errors. */
  ClientSettings clientSettings(CommandSpec spec) {
    return ClientSettings.defaults().withCredentials(credentials(spec)).withTls(tls(spec));
  }

  CredentialSource credentials(CommandSpec spec) {
    if (username != null || passwordFile != null) {
      if (username == null || passwordFile == null) {
        throw new BadValue(
            spec.commandLine(), "--username and --password-file go together; one is missing");
      }
      try {
        return CredentialSource.passwordFile(username, passwordFile);
      } catch (IOException e) {
        throw new BadValue(
            spec.commandLine(),
            "--password-file " + passwordFile + " cannot be read: " + e.getMessage());
      }
    }
    if (dockerConfig != null && !dockerConfig.toString().isEmpty()) {
      Path file = dockerConfig.resolve("config.json");
      boolean explicit = spec.commandLine().getParseResult().hasMatchedOption("--docker-config");
      if (!explicit && !Files.exists(file)) {
        return CredentialSource.anonymous(); // $DOCKER_CONFIG without a config.json, as Docker
      }
      try {
        return CredentialSource.dockerConfig(dockerConfig);
      } catch (IOException e) {
        throw new BadValue(
            spec.commandLine(), "--docker-config " + file + " cannot be used: " + e.getMessage());
      }
    }
    return CredentialSource.anonymous();
  }

  TlsSettings tls(CommandSpec spec) {
    if (caFile != null && !Files.isReadable(caFile)) {
      throw new BadValue(spec.commandLine(), "--ca-file " + caFile + " cannot be read");
    }
    return new TlsSettings(Optional.ofNullable(caFile), insecureSkipTlsVerify);
  }
}
