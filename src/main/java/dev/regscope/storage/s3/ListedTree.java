package dev.regscope.storage.s3;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys of one listing as a tree of folders, so a scan can ask for a folder's entries the way it
 * asks a file system. A folder exists where a key lies below it: object storage has no empty
 * folders (a key ending in {@code /}, a folder marker some tools write, makes its folder exist and
 * is no file). Immutable once built.
 */
final class ListedTree {
  /** A node: a {@link Folder} or an {@link Obj}. */
  sealed interface Node permits Folder, Obj {
    String name();
  }

  /** A folder with its entries sorted by name. */
  record Folder(String name, Node[] children) implements Node {
    /** The entry named {@code name}, or null. */
    Node child(String name) {
      int low = 0;
      int high = children.length - 1;
      while (low <= high) {
        int mid = (low + high) >>> 1;
        int c = children[mid].name().compareTo(name);
        if (c == 0) {
          return children[mid];
        }
        if (c < 0) {
          low = mid + 1;
        } else {
          high = mid - 1;
        }
      }
      return null;
    }
  }

  /** An object: its size, last-modified time in milliseconds, and ETag (null where none came). */
  record Obj(String name, long size, long modified, String etag) implements Node {}

  /** One key of a listing, relative to the v2 prefix. */
  record Listed(String key, long size, long modified, String etag) {}

  private static final Comparator<Node> BY_NAME = Comparator.comparing(Node::name);

  private final Folder root;
  private final int objects;

  private ListedTree(Folder root, int objects) {
    this.root = root;
    this.objects = objects;
  }

  /** The tree of {@code keys}, which must be sorted. */
  static ListedTree build(List<Listed> keys) {
    Names names = new Names();
    Deque<Building> open = new ArrayDeque<>();
    Building top = new Building("");
    open.push(top);
    List<String> path = new ArrayList<>(); // the names of the open folders below the root
    int objects = 0;
    for (Listed listed : keys) {
      String[] parts = listed.key().split("/", -1);
      int folders = parts.length - 1; // the last part is the object's name, "" for a marker
      int common = 0;
      while (common < path.size() && common < folders && path.get(common).equals(parts[common])) {
        common++;
      }
      while (path.size() > common) {
        close(open);
        path.remove(path.size() - 1);
      }
      for (int i = common; i < folders; i++) {
        Building folder = new Building(names.of(parts[i]));
        open.push(folder);
        path.add(parts[i]);
      }
      String name = parts[folders];
      if (!name.isEmpty()) {
        open.peek()
            .children
            .add(new Obj(names.of(name), listed.size(), listed.modified(), listed.etag()));
        objects++;
      }
    }
    while (open.size() > 1) {
      close(open);
    }
    return new ListedTree(top.finish(), objects);
  }

  private static void close(Deque<Building> open) {
    Building done = open.pop();
    open.peek().children.add(done.finish());
  }

  /** The root: the v2 folder. */
  Folder root() {
    return root;
  }

  /** How many objects the listing held. */
  int objects() {
    return objects;
  }

  /** The node at {@code key} ({@code ""} for the root), or null. */
  Node find(String key) {
    Node node = root;
    int start = 0;
    while (start < key.length()) {
      if (!(node instanceof Folder folder)) {
        return null;
      }
      int slash = key.indexOf('/', start);
      int end = slash < 0 ? key.length() : slash;
      node = folder.child(key.substring(start, end));
      if (node == null) {
        return null;
      }
      start = end + 1;
    }
    return node;
  }

  /**
   * A hash of everything below {@code folder}: names, sizes, times and ETags. Equal hashes mean the
   * folder's entries did not change between two listings.
   */
  static long hash(Folder folder) {
    long hash = 17;
    for (Node child : folder.children()) {
      hash = 31 * hash + child.name().hashCode();
      if (child instanceof Folder sub) {
        hash = 31 * hash + hash(sub);
      } else {
        Obj obj = (Obj) child;
        hash = 31 * hash + obj.size();
        hash = 31 * hash + obj.modified();
        hash = 31 * hash + (obj.etag() == null ? 0 : obj.etag().hashCode());
      }
    }
    return hash;
  }

  /** The latest last-modified time below {@code folder}, or -1 if it holds no object. */
  static long latest(Folder folder) {
    long latest = -1;
    for (Node child : folder.children()) {
      latest =
          Math.max(latest, child instanceof Folder sub ? latest(sub) : ((Obj) child).modified());
    }
    return latest;
  }

  /** A folder being filled while its keys stream by. */
  private static final class Building {
    final String name;
    final List<Node> children = new ArrayList<>();

    Building(String name) {
      this.name = name;
    }

    Folder finish() {
      Node[] sorted = children.toArray(new Node[0]);
      // Key order is not name order ("a-b" sorts before "a/x"), and a file may share its name with
      // a folder; the folder wins, as a key below it is what a registry writes.
      Arrays.sort(sorted, BY_NAME);
      int kept = 0;
      for (Node node : sorted) {
        if (kept > 0 && sorted[kept - 1].name().equals(node.name())) {
          if (node instanceof Folder) {
            sorted[kept - 1] = node;
          }
          continue;
        }
        sorted[kept++] = node;
      }
      return new Folder(name, kept == sorted.length ? sorted : Arrays.copyOf(sorted, kept));
    }
  }

  /** Shares the short names every repository repeats ({@code _manifests}, {@code link}, ...). */
  private static final class Names {
    private final Map<String, String> shared = new HashMap<>();

    String of(String name) {
      return name.length() > 16 ? name : shared.computeIfAbsent(name, n -> n);
    }
  }
}
