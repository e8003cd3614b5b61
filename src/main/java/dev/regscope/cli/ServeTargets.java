package dev.regscope.cli;

import dev.regscope.metrics.SeriesFilter;
import dev.regscope.metrics.TargetsExposition;
import dev.regscope.server.MetricsServer;
import dev.regscope.targets.RunningTargets;
import dev.regscope.targets.TargetDefaults;
import dev.regscope.targets.TargetSpec;
import dev.regscope.targets.TargetsFile;
import dev.regscope.targets.TargetsFileException;
import dev.regscope.targets.TargetsWatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code serve --targets-file FILE}: the registries the file lists, each read over its API on its
 * own schedule, their series labelled by {@code registry}, the file read again when it changes. A
 * file that cannot be used at start is a one-line usage error.
 */
final class ServeTargets implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.regscope.scan");

  private final TargetsExposition exposition;
  private final RunningTargets running;
  private final TargetsWatcher watcher;

  private ServeTargets(
      TargetsExposition exposition, RunningTargets running, TargetsWatcher watcher) {
    this.exposition = exposition;
    this.running = running;
    this.watcher = watcher;
  }

  static ServeTargets start(
      CommandSpec spec,
      Path file,
      TargetDefaults defaults,
      SeriesFilter filter,
      Duration checkEvery) {
    byte[] bytes;
    List<TargetSpec> targets;
    try {
      bytes = Files.readAllBytes(file);
      targets = TargetsFile.parse(bytes, file);
    } catch (IOException e) {
      throw new BadValue(
          spec.commandLine(), "--targets-file " + file + " cannot be read: " + e.getMessage());
    } catch (TargetsFileException e) {
      throw new BadValue(spec.commandLine(), "--targets-file " + e.getMessage());
    }
    TargetsExposition exposition = new TargetsExposition(filter);
    RunningTargets running =
        new RunningTargets(
            defaults, exposition, Clock.systemUTC(), problem -> LOG.warn("{}", problem));
    try {
      running.apply(targets);
    } catch (IOException | RuntimeException e) {
      running.close();
      throw new BadValue(spec.commandLine(), "--targets-file " + file + ": " + e.getMessage());
    }
    exposition.reloaded(true);
    TargetsWatcher watcher = new TargetsWatcher(file, bytes, running, exposition).start(checkEvery);
    return new ServeTargets(exposition, running, watcher);
  }

  /** The targets' series on {@code /metrics}; ready once every target finished a first scan. */
  void addTo(MetricsServer.Builder builder) {
    builder.metrics(exposition).ready(running::ready);
  }

  @Override
  public void close() {
    watcher.close();
    running.close();
  }
}
