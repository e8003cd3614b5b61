package dev.regscope.testing;

import dev.regscope.model.BrokenTag;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.ScanProblem;
import dev.regscope.model.ScanState;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.scan.OnDemandScans;
import dev.regscope.scan.Scanner;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/** Runs scans in tests and finds things in the result by name. */
public final class Scans {
  /**
   * The state once the next scan of {@code scans} has ended. A scrape stops waiting for a slow scan
   * after 10 s and gets the last state, which on a loaded machine would not be this scan's; a test
   * waits for the scan itself (its class's timeout bounds the wait).
   */
  public static ScanState completed(OnDemandScans scans) {
    long before = scans.scans();
    ScanState state = scans.current();
    while (state.scans() + state.failedScans() == before) {
      state = scans.current();
    }
    return state;
  }

  public static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);

  private Scans() {}

  public static Snapshot scan(RegistryTree tree) {
    return scan(tree.layout(), new NioTreeReader(), new ArrayList<>());
  }

  /** Scans and collects the log lines (one per new problem) into {@code logged}. */
  public static Snapshot scan(StorageLayout layout, TreeReader reader, List<ScanProblem> logged) {
    try {
      return new Scanner(layout, reader, CLOCK, logged::add).scan();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new scanner of a real registry's storage, with a cold cache. */
  public static Scanner scanner(RegistryProcess registry) {
    try {
      return new Scanner(
          StorageLayout.locate(registry.storageRoot()), new NioTreeReader(), CLOCK, p -> {});
    } catch (dev.regscope.storage.InvalidStorageRootException e) {
      throw new AssertionError(e);
    }
  }

  /** One scan, failing the test on an exception. */
  public static Snapshot scan(Scanner scanner) {
    try {
      return scanner.scan();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A registry on a copy of {@code registry}'s storage under {@code dir}, same binary. */
  public static RegistryProcess startOnCopy(RegistryProcess registry, Path dir, String extraYaml) {
    Path from = registry.storageRoot();
    Path to = dir.resolve("storage");
    try (var paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
    }
    return RegistryProcess.start(registry.binary(), dir, extraYaml);
  }

  /** The unpullable tag {@code repository:tag}. */
  public static dev.regscope.model.UnpullableTag unpullable(
      Snapshot snapshot, String repository, String tag) {
    return repository(snapshot, repository).hygiene().unpullableTags().stream()
        .filter(t -> t.name().equals(tag))
        .findFirst()
        .orElseThrow(
            () -> new NoSuchElementException("no unpullable tag " + repository + ":" + tag));
  }

  public static RepositoryStats repository(Snapshot snapshot, String name) {
    return snapshot.repositories().stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new NoSuchElementException("no repository " + name + " in " + names(snapshot)));
  }

  public static TagStats tag(Snapshot snapshot, String repository, String tag) {
    return repository(snapshot, repository).tags().stream()
        .filter(t -> t.name().equals(tag))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("no readable tag " + repository + ":" + tag));
  }

  public static BrokenTag broken(Snapshot snapshot, String repository, String tag) {
    return repository(snapshot, repository).brokenTags().stream()
        .filter(t -> t.name().equals(tag))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("no broken tag " + repository + ":" + tag));
  }

  private static List<String> names(Snapshot snapshot) {
    return snapshot.repositories().stream().map(RepositoryStats::name).toList();
  }
}
