package dev.regscope.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.storage.s3.ListedTree.Folder;
import dev.regscope.storage.s3.ListedTree.Listed;
import dev.regscope.storage.s3.ListedTree.Node;
import dev.regscope.storage.s3.ListedTree.Obj;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a listing's keys become folders and files, and how keys map to the scan's paths. */
class ListedTreeTest {
  private static Listed key(String key) {
    return new Listed(key, key.length(), 1000, "\"e\"");
  }

  private static ListedTree tree(String... keys) {
    List<Listed> listed = new ArrayList<>();
    for (String key : keys) {
      listed.add(key(key));
    }
    listed.sort(Comparator.comparing(Listed::key));
    return ListedTree.build(listed);
  }

  private static List<String> names(Node folder) {
    return Arrays.stream(((Folder) folder).children()).map(Node::name).toList();
  }

  @Test
  void foldersExistWhereKeysLieBelowThemAndEntriesAreInNameOrder() {
    ListedTree tree = tree("a/b/link", "a-b/x", "a/c", "a/b-c/link", "blobs/sha256/ab/abc/data");
    assertThat(names(tree.root())).containsExactly("a", "a-b", "blobs");
    assertThat(names(tree.find("a"))).containsExactly("b", "b-c", "c");
    assertThat(tree.find("a/b")).isInstanceOf(Folder.class);
    assertThat(tree.find("a/c")).isEqualTo(new Obj("c", 3, 1000, "\"e\""));
    assertThat(tree.find("a/x")).isNull();
    assertThat(tree.find("a/c/d")).isNull();
    assertThat(tree.objects()).isEqualTo(5);
  }

  @Test
  void aFolderMarkerMakesItsFolderExistAndIsNoFile() {
    ListedTree tree = tree("a/_uploads/", "a/_layers/x/link");
    assertThat(names(tree.find("a"))).containsExactly("_layers", "_uploads");
    assertThat(names(tree.find("a/_uploads"))).isEmpty();
    assertThat(tree.objects()).isEqualTo(1);
  }

  @Test
  void aKeyBelowAFileNameMakesItAFolder() {
    ListedTree tree = tree("a/link", "a/link/x");
    assertThat(tree.find("a/link")).isInstanceOf(Folder.class);
  }

  @Test
  void aFoldersHashMovesWithAnyChangeBelowIt() {
    long before = ListedTree.hash((Folder) tree("p/a/data", "p/b/data").find("p"));
    assertThat(ListedTree.hash((Folder) tree("p/a/data", "p/b/data").find("p"))).isEqualTo(before);
    assertThat(ListedTree.hash((Folder) tree("p/a/data").find("p"))).isNotEqualTo(before);
    assertThat(ListedTree.hash((Folder) tree("p/a/data", "p/c/data").find("p")))
        .isNotEqualTo(before);
  }

  @Test
  void pathsBelowTheVirtualRootNameKeysBelowTheV2Prefix() throws Exception {
    S3Location location = new S3Location("bucket", "/reg/root/");
    assertThat(location.v2Prefix()).isEqualTo("reg/root/docker/registry/v2/");
    assertThat(location.v2Root()).isEqualTo(Path.of("/s3/bucket/reg/root/docker/registry/v2"));
    assertThat(location.relativeKey(location.v2Root().resolve("blobs/sha256/ab")))
        .isEqualTo("blobs/sha256/ab");
    assertThat(location.relativeKey(location.v2Root())).isEmpty();
    assertThat(new S3Location("bucket", "").v2Prefix()).isEqualTo("docker/registry/v2/");
    assertThat(location.toString()).isEqualTo("s3://bucket/reg/root");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> location.relativeKey(Path.of("/etc")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void theBlobStoresTwoHexFoldersAreListedSixteenAtATime() {
    List<String> prefixes = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      prefixes.add(String.format("blobs/sha256/%02x/", i));
    }
    prefixes.add("repositories/a/");
    prefixes.add("repositories/ab/");
    List<String> coarse = KeyLister.coarsened(prefixes);
    assertThat(coarse).hasSize(16 + 2);
    assertThat(coarse).contains("blobs/sha256/0", "blobs/sha256/f", "repositories/a/");
  }
}
