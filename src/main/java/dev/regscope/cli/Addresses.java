package dev.regscope.cli;

import dev.regscope.server.MetricsServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Host names and listening addresses checked at start: a host that does not resolve or a port in
 * use is a one-line usage error naming the value (exit code 2), not a stack trace or a scan that
 * fails later.
 */
final class Addresses {
  private Addresses() {}

  /** The address {@code --bind} and {@code --port} name, resolved. */
  static InetSocketAddress listen(CommandSpec spec, String bind, int port) {
    if (port < 0 || port > 65535) {
      throw new BadValue(spec.commandLine(), "--port " + port + ": not a port (0 to 65535)");
    }
    resolve(spec, "--bind " + bind, bind);
    InetSocketAddress address = new InetSocketAddress(bind, port);
    if (port != 0) {
      // Tried before the first scan starts, so that a port in use is the only line printed; the
      // server's own bind is checked again below.
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(true);
        socket.bind(address);
      } catch (IOException e) {
        throw refusal(spec, e, bind, port);
      }
    }
    return address;
  }

  /** Starts the server; a port in use or an address not of this machine names the option. */
  static MetricsServer start(CommandSpec spec, MetricsServer.Builder builder, String bind, int port)
      throws IOException {
    try {
      return builder.start();
    } catch (BindException e) {
      throw refusal(spec, e, bind, port);
    }
  }

  private static BadValue refusal(CommandSpec spec, IOException e, String bind, int port) {
    String reason = rootMessage(e);
    if (reason.toLowerCase(Locale.ROOT).contains("in use")) {
      return new BadValue(
          spec.commandLine(), "--port " + port + ": address already in use on " + bind);
    }
    if (reason.toLowerCase(Locale.ROOT).contains("permission denied")) {
      return new BadValue(
          spec.commandLine(),
          "--port " + port + ": permission denied (ports below 1024 need privileges)");
    }
    return new BadValue(spec.commandLine(), "--bind " + bind + ": cannot listen there: " + reason);
  }

  /**
   * Resolves {@code host}; where it does not resolve, a usage error that starts with {@code what}
   * (the option and its value).
   */
  static void resolve(CommandSpec spec, String what, String host) {
    try {
      InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new BadValue(spec.commandLine(), what + ": host " + host + " does not resolve");
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }
}
