package dev.regscope.storage.s3;

import dev.regscope.storage.SizedEntry;
import dev.regscope.storage.TreeReader;
import dev.regscope.storage.s3.ListedTree.Folder;
import dev.regscope.storage.s3.ListedTree.Node;
import dev.regscope.storage.s3.ListedTree.Obj;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bucket as one scan sees it: every answer but an object's content comes from the listing taken
 * as the scan began, so listing a folder, measuring a blob, checking a link or a revision costs no
 * request. Contents are read with {@code GetObject}, small ones only when the listing shows them
 * changed. A key deleted since the listing reads as vanished; a bucket that stops answering fails
 * the scan at {@link #endScan}.
 */
final class BucketView implements TreeReader {
  private final S3Location location;
  private final ListedTree tree;
  private final ObjectGetter getter;
  private final FolderStamps stamps;
  private final ExecutorService pool;
  private final Set<String> vanished = ConcurrentHashMap.newKeySet();
  private final AtomicReference<IOException> failure = new AtomicReference<>();

  BucketView(
      S3Location location,
      ListedTree tree,
      ObjectGetter getter,
      FolderStamps stamps,
      ExecutorService pool) {
    this.location = location;
    this.tree = tree;
    this.getter = getter;
    this.stamps = stamps;
    this.pool = pool;
  }

  @Override
  public void endScan() throws IOException {
    IOException failed = failure.get();
    if (failed != null) {
      throw new IOException(failed.getMessage(), failed);
    }
  }

  @Override
  public boolean remote() {
    return true;
  }

  @Override
  public List<Entry> list(Path dir) throws IOException {
    Folder folder = folder(dir);
    List<Entry> entries = new ArrayList<>(folder.children().length);
    for (Node child : folder.children()) {
      entries.add(
          new Entry(child.name(), child instanceof Folder ? EntryType.DIRECTORY : EntryType.FILE));
    }
    return entries;
  }

  @Override
  public List<String> names(Path dir) throws IOException {
    Folder folder = folder(dir);
    List<String> names = new ArrayList<>(folder.children().length);
    for (Node child : folder.children()) {
      names.add(child.name());
    }
    return names;
  }

  @Override
  public byte[] read(Path file, int limit) throws IOException {
    String key = location.relativeKey(file);
    return read(key, object(file, key), file, limit);
  }

  private byte[] read(String key, Obj listed, Path file, int limit) throws IOException {
    IOException failed = failure.get();
    if (failed != null && !getter.isKept(key, listed)) {
      // The bucket stopped answering: this scan fails anyway, so it sends nothing more.
      throw new ObjectGetter.StoreFailure(failed.getMessage(), failed);
    }
    try {
      return getter.get(key, listed, file, limit);
    } catch (NoSuchFileException e) {
      vanished.add(key);
      throw e;
    } catch (ObjectGetter.StoreFailure e) {
      failure.compareAndSet(null, e);
      throw e;
    }
  }

  @Override
  public long size(Path file) throws IOException {
    return object(file, location.relativeKey(file)).size();
  }

  @Override
  public boolean isSymbolicLink(Path path) {
    return false; // object storage has none
  }

  @Override
  public boolean exists(Path path) {
    try {
      String key = location.relativeKey(path);
      return tree.find(key) != null && !isVanished(key);
    } catch (NoSuchFileException outside) {
      return false;
    }
  }

  /**
   * An object's last-modified time; for a folder, a time that moves exactly when the keys below it
   * change between listings (see {@link FolderStamps}).
   */
  @Override
  public FileTime modifiedTime(Path path) throws IOException {
    String key = location.relativeKey(path);
    Node node = live(path, key);
    if (node instanceof Obj object) {
      return FileTime.fromMillis(object.modified());
    }
    return FileTime.fromMillis(stamps.stamp(key, (Folder) node));
  }

  @Override
  public List<EntryFile> listAndRead(Path dir, String[] relative, int limit) throws IOException {
    Folder folder = folder(dir);
    String base = location.relativeKey(dir);
    String below = "/" + String.join("/", relative);
    EntryFile[] files = new EntryFile[folder.children().length];
    List<Integer> toRead = new ArrayList<>();
    for (int i = 0; i < files.length; i++) {
      Node child = folder.children()[i];
      if (!(child instanceof Folder)) {
        files[i] = new EntryFile(new Entry(child.name(), EntryType.FILE), null, null);
        continue;
      }
      String key = (base.isEmpty() ? "" : base + "/") + child.name() + below;
      if (tree.find(key) instanceof Obj object && !getter.isKept(key, object)) {
        toRead.add(i);
      } else {
        files[i] = entryFile(dir, child, key, relative, limit); // answered without a request
      }
    }
    // Each read waits on a round trip: read them side by side, as the listing was.
    List<Future<EntryFile>> reads = new ArrayList<>();
    for (int i : toRead) {
      Node child = folder.children()[i];
      String key = (base.isEmpty() ? "" : base + "/") + child.name() + below;
      if (toRead.size() == 1) {
        files[i] = entryFile(dir, child, key, relative, limit);
      } else {
        reads.add(pool.submit(() -> entryFile(dir, child, key, relative, limit)));
      }
    }
    try {
      for (int r = 0; r < reads.size(); r++) {
        files[toRead.get(r)] = reads.get(r).get();
      }
    } catch (InterruptedException e) {
      reads.forEach(read -> read.cancel(true));
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading " + dir);
    } catch (ExecutionException e) {
      throw new IOException("reading below " + dir + " failed: " + e.getCause(), e.getCause());
    }
    return List.of(files);
  }

  private EntryFile entryFile(Path dir, Node child, String key, String[] relative, int limit) {
    Entry entry = new Entry(child.name(), EntryType.DIRECTORY);
    Path file = dir.resolve(child.name());
    for (String part : relative) {
      file = file.resolve(part);
    }
    try {
      return new EntryFile(entry, read(key, object(file, key), file, limit), null);
    } catch (IOException e) {
      return new EntryFile(entry, null, e);
    }
  }

  @Override
  public List<SizedEntry> sizesOf(Path dir, String name) throws IOException {
    Folder folder = folder(dir);
    List<SizedEntry> sizes = new ArrayList<>(folder.children().length);
    for (Node child : folder.children()) {
      sizes.add(
          new SizedEntry(
              child.name(),
              child instanceof Folder sub && sub.child(name) instanceof Obj object
                  ? object.size()
                  : -1));
    }
    return sizes;
  }

  @Override
  public List<String> containing(Path dir, String name) throws IOException {
    Folder folder = folder(dir);
    List<String> found = new ArrayList<>();
    for (Node child : folder.children()) {
      if (child instanceof Folder sub && sub.child(name) instanceof Obj) {
        found.add(child.name());
      }
    }
    return found;
  }

  /** From the listing: nothing is ever unreadable without a read. */
  @Override
  public Linked linkedEntries(Path dir, String name) throws IOException {
    return new Linked(containing(dir, name), List.of());
  }

  private Folder folder(Path dir) throws IOException {
    Node node = live(dir, location.relativeKey(dir));
    if (node instanceof Folder folder) {
      return folder;
    }
    throw new NotDirectoryException(dir.toString());
  }

  private Obj object(Path file, String key) throws IOException {
    Node node = live(file, key);
    if (node instanceof Obj object) {
      return object;
    }
    throw new FileSystemException(file.toString(), null, "is a folder: keys lie below it");
  }

  private Node live(Path path, String key) throws NoSuchFileException {
    Node node = tree.find(key);
    if (node == null || isVanished(key)) {
      throw new NoSuchFileException(path.toString());
    }
    return node;
  }

  /** Whether a read found {@code key}, or a key below it, deleted since the listing. */
  private boolean isVanished(String key) {
    if (vanished.isEmpty()) {
      return false;
    }
    for (String gone : vanished) {
      if (gone.equals(key) || key.isEmpty() || gone.startsWith(key + "/")) {
        return true;
      }
    }
    return false;
  }
}
