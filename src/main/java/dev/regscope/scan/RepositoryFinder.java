package dev.regscope.scan;

import dev.regscope.core.Damage;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import dev.regscope.storage.TreeReader.Entry;
import dev.regscope.storage.TreeReader.EntryType;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Finds every repository under {@code repositories/} and hands each to a visitor, walking sibling
 * folders in parallel. Repositories nest ({@code a} and {@code a/b/c} can both be repositories), so
 * the walk goes on below a repository into every folder that is not the registry's own ({@code
 * _manifests}, {@code _layers}, ...).
 */
final class RepositoryFinder {
  private final TreeReader reader;
  private final ScanProblems problems;

  RepositoryFinder(TreeReader reader, ScanProblems problems) {
    this.reader = reader;
    this.problems = problems;
  }

  /**
   * Visits every repository the filter includes, in no particular order and from the group's
   * threads: the walk is submitted to the group, and done when the group is. An absent {@code
   * repositories/} folder is an empty registry; one that cannot be listed fails the whole walk.
   */
  void find(
      StorageLayout layout,
      RepositoryFilter filter,
      TaskGroup group,
      Consumer<RepositoryDir> visitor)
      throws IOException {
    List<Entry> top;
    try {
      top = reader.list(layout.repositories());
    } catch (NoSuchFileException e) {
      return;
    }
    group.submit(new Walk(group, layout.repositories(), "", top, filter, visitor));
  }

  /**
   * One folder: lists it, hands subfolders to the pool, and visits its own repository, if it is
   * one.
   */
  private final class Walk implements Runnable {
    private final TaskGroup group;
    private final Path dir;
    private final String name;
    private final List<Entry> entries; // already listed, or null: the task lists dir itself
    private final RepositoryFilter filter;
    private final Consumer<RepositoryDir> visitor;

    Walk(
        TaskGroup group,
        Path dir,
        String name,
        List<Entry> entries,
        RepositoryFilter filter,
        Consumer<RepositoryDir> visitor) {
      this.group = group;
      this.dir = dir;
      this.name = name;
      this.entries = entries;
      this.filter = filter;
      this.visitor = visitor;
    }

    @Override
    public void run() {
      List<Entry> entries = this.entries;
      if (entries == null) {
        try {
          entries = reader.list(dir);
        } catch (NoSuchFileException e) {
          problems.add(dir, Damage.VANISHED, "folder vanished during the scan");
          return;
        } catch (IOException e) {
          problems.add(dir, Damage.READ_ERROR, "folder cannot be listed (" + e.getMessage() + ")");
          return;
        }
      }
      // Subtrees go to other threads while this folder's own repository is read here.
      for (Entry entry : entries) {
        if (entry.type() == EntryType.DIRECTORY && !StorageLayout.isReservedName(entry.name())) {
          group.submit(
              new Walk(
                  group,
                  dir.resolve(entry.name()),
                  name.isEmpty() ? entry.name() : name + "/" + entry.name(),
                  null,
                  filter,
                  visitor));
        }
      }
      visitSelf(entries);
    }

    private void visitSelf(List<Entry> entries) {
      boolean hasManifests = false;
      boolean hasUploads = false;
      boolean isRepository = false;
      for (Entry entry : entries) {
        if (entry.type() == EntryType.SYMLINK) {
          problems.add(
              dir.resolve(entry.name()),
              Damage.SYMLINK,
              "symbolic link in the repositories tree, not followed");
        } else if (entry.type() == EntryType.DIRECTORY
            && StorageLayout.marksRepository(entry.name())) {
          isRepository = true;
          hasManifests |= entry.name().equals("_manifests");
        }
        if (entry.type() == EntryType.DIRECTORY && entry.name().equals(StorageLayout.UPLOADS)) {
          hasUploads = true;
        }
      }
      // A folder holding only _uploads is no repository yet (its first push is under way), but its
      // uploads count.
      if ((isRepository || hasUploads) && !name.isEmpty() && filter.includes(name)) {
        visitor.accept(new RepositoryDir(name, dir, isRepository, hasManifests, hasUploads));
      }
    }
  }
}
