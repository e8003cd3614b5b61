package dev.regscope.scan;

import dev.regscope.model.Damage;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import dev.regscope.storage.TreeReader.Entry;
import dev.regscope.storage.TreeReader.EntryType;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds every repository under {@code repositories/}. Repositories nest ({@code a} and {@code a/b/c} can both
 * be repositories), so the walk goes on below a repository into every folder that is not the registry's own.
 */
final class RepositoryFinder {
  private final TreeReader reader;
  private final ScanProblems problems;

  RepositoryFinder(TreeReader reader, ScanProblems problems) {
    this.reader = reader;
    this.problems = problems;
  }

  /** The repositories in name order; an absent {@code repositories/} folder is an empty registry. */
  List<RepositoryDir> find(StorageLayout layout) throws IOException {
    List<RepositoryDir> found = new ArrayList<>();
    List<Entry> top;
    try {
      top = reader.list(layout.repositories());
    } catch (NoSuchFileException e) {
      return found;
    }
    walk(layout.repositories(), "", top, found);
    found.sort((a, b) -> a.name().compareTo(b.name()));
    return found;
  }

  private void walk(Path dir, String name, List<Entry> entries, List<RepositoryDir> found) {
    boolean hasManifests = false;
    boolean isRepository = false;
    for (Entry entry : entries) {
      Path child = dir.resolve(entry.name());
      if (entry.type() == EntryType.SYMLINK) {
        problems.add(child, Damage.SYMLINK, "symbolic link in the repositories tree, not followed");
      } else if (entry.type() == EntryType.DIRECTORY && StorageLayout.marksRepository(entry.name())) {
        isRepository = true;
        hasManifests |= entry.name().equals("_manifests");
      }
    }
    if (isRepository && !name.isEmpty()) {
      found.add(new RepositoryDir(name, dir, hasManifests));
    }
    for (Entry entry : entries) {
      if (entry.type() != EntryType.DIRECTORY || StorageLayout.isReservedName(entry.name())) {
        continue;
      }
      Path child = dir.resolve(entry.name());
      List<Entry> grandchildren;
      try {
        grandchildren = reader.list(child);
      } catch (NoSuchFileException e) {
        problems.add(child, Damage.VANISHED, "folder vanished during the scan");
        continue;
      } catch (IOException e) {
        problems.add(child, Damage.READ_ERROR, "folder cannot be listed (" + e.getMessage() + ")");
        continue;
      }
      walk(child, name.isEmpty() ? entry.name() : name + "/" + entry.name(), grandchildren, found);
    }
  }
}
