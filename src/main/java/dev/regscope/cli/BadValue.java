package dev.regscope.cli;

import picocli.CommandLine;

/** A usage error (exit code 2) that is one line naming the value, without the usage screen. */
public final class BadValue extends CommandLine.ParameterException {
  BadValue(CommandLine commandLine, String message) {
    super(commandLine, message);
  }
}
