package dev.regscope.testing;

import dev.regscope.model.BrokenTag;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.ScanProblem;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.scan.Scanner;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/** Runs scans in tests and finds things in the result by name. */
public final class Scans {
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
