package dev.regscope.scan;

import dev.regscope.storage.SizedEntry;
import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link TreeReader} that knows, at any moment, which path each scan thread is waiting on, so a
 * scan abandoned for hanging (a lost network mount) is logged with the path it was reading. It
 * works above any reader: a folder, a bucket.
 */
final class InFlightReads implements TreeReader {
  /** A read in progress: what it does, on which path, and how long it has waited. */
  record Waiting(String doing, Path path, Duration waited) {
    @Override
    public String toString() {
      return "no answer for " + describe(waited) + " " + doing + " " + path;
    }
  }

  /** A duration as a person reads it in a log line: whole seconds, or milliseconds below that. */
  static String describe(Duration duration) {
    return duration.toMillis() % 1000 == 0 || duration.toSeconds() >= 10
        ? duration.toSeconds() + " s"
        : duration.toMillis() + " ms";
  }

  private static final class Slot {
    volatile String doing;
    volatile Path path;
    volatile long since;
  }

  private final TreeReader delegate;
  // The reader of a scan (object storage answers one scan from its own listing) reports its waits
  // to the reader the scanner holds, so the watchdog sees them wherever they happen.
  private final InFlightReads owner;
  private volatile Threads threads = new Threads();

  /** The slots of one generation of scan threads. */
  private static final class Threads {
    final Set<Slot> slots = ConcurrentHashMap.newKeySet();
    final ThreadLocal<Slot> mine =
        ThreadLocal.withInitial(
            () -> {
              Slot slot = new Slot();
              slots.add(slot);
              return slot;
            });
  }

  InFlightReads(TreeReader delegate) {
    this.delegate = delegate;
    this.owner = this;
  }

  private InFlightReads(TreeReader delegate, InFlightReads owner) {
    this.delegate = delegate;
    this.owner = owner;
  }

  @Override
  public TreeReader beginScan() throws IOException {
    Slot slot = start("listing the whole tree below", Path.of("/"));
    try {
      TreeReader scanReader = delegate.beginScan();
      return scanReader == delegate ? this : new InFlightReads(scanReader, owner);
    } finally {
      slot.path = null;
    }
  }

  @Override
  public void endScan() throws IOException {
    delegate.endScan();
  }

  @Override
  public boolean remote() {
    return delegate.remote();
  }

  /** The read that has waited longest right now, if any. */
  Optional<Waiting> longest() {
    long now = System.nanoTime();
    Waiting oldest = null;
    for (Slot slot : owner.threads.slots) {
      Path path = slot.path;
      long since = slot.since;
      String doing = slot.doing;
      Duration waited = Duration.ofNanos(now - since);
      if (path != null && (oldest == null || waited.compareTo(oldest.waited()) > 0)) {
        oldest = new Waiting(doing, path, waited);
      }
    }
    return Optional.ofNullable(oldest);
  }

  /** Forgets the threads of an abandoned scan: a read they are stuck in is not the next scan's. */
  void forgetThreads() {
    owner.threads = new Threads();
  }

  private Slot start(String doing, Path path) {
    Slot slot = owner.threads.mine.get();
    slot.since = System.nanoTime();
    slot.doing = doing;
    slot.path = path;
    return slot;
  }

  @Override
  public List<Entry> list(Path dir) throws IOException {
    Slot slot = start("listing", dir);
    try {
      return delegate.list(dir);
    } finally {
      slot.path = null;
    }
  }

  @Override
  public List<String> names(Path dir) throws IOException {
    Slot slot = start("listing", dir);
    try {
      return delegate.names(dir);
    } finally {
      slot.path = null;
    }
  }

  @Override
  public byte[] read(Path file, int limit) throws IOException {
    Slot slot = start("reading", file);
    try {
      return delegate.read(file, limit);
    } finally {
      slot.path = null;
    }
  }

  @Override
  public long size(Path file) throws IOException {
    Slot slot = start("measuring", file);
    try {
      return delegate.size(file);
    } finally {
      slot.path = null;
    }
  }

  @Override
  public boolean isSymbolicLink(Path path) {
    Slot slot = start("checking", path);
    try {
      return delegate.isSymbolicLink(path);
    } finally {
      slot.path = null;
    }
  }

  @Override
  public boolean exists(Path path) {
    Slot slot = start("checking", path);
    try {
      return delegate.exists(path);
    } finally {
      slot.path = null;
    }
  }

  @Override
  public FileTime modifiedTime(Path path) throws IOException {
    Slot slot = start("checking", path);
    try {
      return delegate.modifiedTime(path);
    } finally {
      slot.path = null;
    }
  }

  @Override
  public List<EntryFile> listAndRead(Path dir, String[] relative, int limit) throws IOException {
    Slot slot = start("reading " + String.join("/", relative) + " below each entry of", dir);
    try {
      return delegate.listAndRead(dir, relative, limit);
    } finally {
      slot.path = null;
    }
  }

  @Override
  public List<SizedEntry> sizesOf(Path dir, String name) throws IOException {
    Slot slot = start("measuring the files below each entry of", dir);
    try {
      return delegate.sizesOf(dir, name);
    } finally {
      slot.path = null;
    }
  }

  @Override
  public List<String> containing(Path dir, String name) throws IOException {
    Slot slot = start("checking the files below each entry of", dir);
    try {
      return delegate.containing(dir, name);
    } finally {
      slot.path = null;
    }
  }
}
