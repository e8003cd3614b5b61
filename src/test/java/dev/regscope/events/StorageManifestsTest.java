package dev.regscope.events;

import static dev.regscope.testing.RegistryTree.child;
import static dev.regscope.testing.RegistryTree.imageWithConfig;
import static dev.regscope.testing.RegistryTree.manifestList;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.testing.RegistryTree;
import dev.regscope.testing.RegistryTree.Blob;
import dev.regscope.testing.RegistryTree.Manifest;
import java.nio.file.FileSystem;
import org.junit.jupiter.api.Test;

/** The references of a manifest, read from storage when an event does not carry them. */
class StorageManifestsTest {
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final RegistryTree tree = RegistryTree.at(fs.getPath("/v2"));
  private final StorageManifests storage = new StorageManifests(tree.layout(), new NioTreeReader());

  @Test
  void anImageReferencesItsConfigAndLayersWithTheirSizes() {
    Blob config = tree.config(12);
    Blob layer = tree.layer(300);
    Manifest image = imageWithConfig(config, layer);
    tree.repo("app").tag("v1", image);

    assertThat(storage.references(image.digest()).orElseThrow())
        .extracting(r -> r.digest() + "=" + r.size())
        .containsExactly(config.digest() + "=12", layer.digest() + "=300");
  }

  @Test
  void anIndexReferencesItsChildren() {
    Manifest amd64 = imageWithConfig(tree.config(1), tree.layer(10));
    Manifest list = manifestList(child("linux/amd64", amd64));
    tree.repo("app").tag("v1", list);

    assertThat(storage.references(list.digest()).orElseThrow())
        .extracting(Reference::digest)
        .containsExactly(amd64.digest());
  }

  @Test
  void aLayerOrAMissingBlobIsNoManifest() {
    Blob layer = tree.layer(50);
    assertThat(storage.references(layer.digest())).isEmpty();
    assertThat(storage.references(RegistryTree.absentLayer(5).digest())).isEmpty();
  }
}
