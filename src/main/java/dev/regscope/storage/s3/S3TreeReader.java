package dev.regscope.storage.s3;

import dev.regscope.storage.SizedEntry;
import dev.regscope.storage.TreeReader;
import dev.regscope.storage.s3.ListedTree.Listed;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link TreeReader} over a registry's storage in an S3 bucket. Each scan begins with one listing
 * of every key ({@link #beginScan}) and is answered from it; only contents cost further requests,
 * and only those the listing shows changed (see {@link BucketView}).
 */
public final class S3TreeReader implements TreeReader, AutoCloseable {
  private final S3Location location;
  private final KeyLister lister;
  private final ObjectGetter getter;
  private final FolderStamps stamps = new FolderStamps();
  private final S3Requests requests;
  private final ExecutorService pool;
  private volatile BucketView last;

  /**
   * @param threads requests sent at once, for the listing's pages and for reads
   */
  public S3TreeReader(S3Client s3, S3Location location, int threads, S3Requests requests) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
    this.location = location;
    this.requests = requests;
    AtomicInteger count = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            task -> {
              Thread thread = new Thread(task, "regscope-s3-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.lister = new KeyLister(s3, location, pool, threads, requests);
    this.getter = new ObjectGetter(s3, location);
  }

  /** Where the tree is; its {@link S3Location#v2Root()} is the root a scan's layout must use. */
  public S3Location location() {
    return location;
  }

  /**
   * Lists every key of the tree and returns the reader that answers this scan from the listing.
   * Fails when the listing fails in any part, or finds no key at all (a bucket or root directory
   * that holds no registry: a wrong name, or storage that is gone), so the last good snapshot
   * stays.
   */
  @Override
  public TreeReader beginScan() throws IOException {
    stamps.listedAt(System.currentTimeMillis());
    List<Listed> keys = lister.listAll();
    if (keys.isEmpty()) {
      requests.error(S3Errors.EMPTY_ROOT);
      throw new IOException(
          "no registry in "
              + location
              + ": no key below "
              + location.v2Prefix()
              + " (a wrong bucket or root directory, storage that was removed, or a registry not"
              + " pushed to yet)");
    }
    ListedTree tree = ListedTree.build(keys);
    getter.retainListed(tree);
    BucketView view = new BucketView(location, tree, getter, stamps, pool);
    last = view;
    return view;
  }

  /**
   * Lists every key of the tree once, as {@link #beginScan} does, and nothing more: the floor a
   * scan's cost is measured against. Returns how many keys there are.
   */
  public int listEveryKey() throws IOException {
    return lister.listAll().size();
  }

  @Override
  public boolean remote() {
    return true;
  }

  /** Stops the reader's threads. */
  @Override
  public void close() {
    pool.shutdownNow();
  }

  /** Outside a scan, the last scan's view answers; before any, a listing is taken. */
  private TreeReader view() throws IOException {
    BucketView view = last;
    return view != null ? view : beginScan();
  }

  @Override
  public List<Entry> list(Path dir) throws IOException {
    return view().list(dir);
  }

  @Override
  public List<String> names(Path dir) throws IOException {
    return view().names(dir);
  }

  @Override
  public byte[] read(Path file, int limit) throws IOException {
    return view().read(file, limit);
  }

  @Override
  public long size(Path file) throws IOException {
    return view().size(file);
  }

  @Override
  public boolean isSymbolicLink(Path path) {
    return false;
  }

  @Override
  public boolean exists(Path path) {
    try {
      return view().exists(path);
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public FileTime modifiedTime(Path path) throws IOException {
    return view().modifiedTime(path);
  }

  @Override
  public List<SizedEntry> sizesOf(Path dir, String name) throws IOException {
    return view().sizesOf(dir, name);
  }

  @Override
  public List<String> containing(Path dir, String name) throws IOException {
    return view().containing(dir, name);
  }
}
