package dev.regscope.events.store;

import dev.regscope.events.RegistryEvent;
import dev.regscope.events.StoredManifests;
import dev.regscope.events.Target;
import java.sql.SQLException;

/** Delete events: what they removed from the derived tables, and the audit trail of it. */
final class Deletes {
  private final StoredManifests storage;

  Deletes(StoredManifests storage) {
    this.storage = storage;
  }

  /**
   * The registry's delete events do not say what was deleted: a tag (by name), or a digest that was
   * a manifest or a blob. What the store knows decides, then the storage (the blob's bytes stay
   * until garbage collection); a digest known to neither is recorded as a blob. Tags of a deleted
   * manifest are left to the tag deletes the registry sends right after it.
   */
  void apply(Writes w, RegistryEvent e) throws SQLException {
    if (e.target() == Target.TAG || e.digest() == null) {
      deleteTag(w, e);
    } else if (e.target() == Target.MANIFEST || (e.target() != Target.BLOB && isManifest(w, e))) {
      deleteManifest(w, e);
    } else {
      deleteBlob(w, e);
    }
  }

  private boolean isManifest(Writes w, RegistryEvent e) throws SQLException {
    if (exists(
        w, "SELECT 1 FROM manifests WHERE registry = ? AND repository = ? AND digest = ?", e)) {
      return true;
    }
    if (exists(w, "SELECT 1 FROM blobs WHERE registry = ? AND repository = ? AND digest = ?", e)) {
      return false;
    }
    return storage.references(e.digest()).isPresent();
  }

  private void deleteTag(Writes w, RegistryEvent e) throws SQLException {
    Object[] tag =
        w.firstRow(
            3,
            "SELECT digest, last_pushed, last_pulled FROM tags"
                + " WHERE registry = ? AND repository = ? AND tag = ?",
            e.registry(),
            e.repository(),
            e.tag());
    w.update(
        "INSERT INTO deleted_tags (event_id, registry, repository, tag, digest, deleted_at, last_pushed,"
            + " last_pulled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        e.id(),
        e.registry(),
        e.repository(),
        e.tag(),
        tag[0],
        EventEffects.millis(e),
        tag[1],
        tag[2]);
    w.update(
        "DELETE FROM tags WHERE registry = ? AND repository = ? AND tag = ?",
        e.registry(),
        e.repository(),
        e.tag());
  }

  private void deleteManifest(Writes w, RegistryEvent e) throws SQLException {
    Object[] manifest =
        w.firstRow(
            3,
            "SELECT media_type, last_pushed, last_pulled FROM manifests"
                + " WHERE registry = ? AND repository = ? AND digest = ?",
            e.registry(),
            e.repository(),
            Sql.text(e.digest()));
    w.update(
        "INSERT INTO deleted_manifests (event_id, registry, repository, digest, deleted_at, media_type,"
            + " last_pushed, last_pulled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        e.id(),
        e.registry(),
        e.repository(),
        Sql.text(e.digest()),
        EventEffects.millis(e),
        manifest[0],
        manifest[1],
        manifest[2]);
    w.update(
        "DELETE FROM manifest_blob WHERE registry = ? AND repository = ? AND manifest = ?",
        e.registry(),
        e.repository(),
        Sql.text(e.digest()));
    w.update(
        "DELETE FROM manifests WHERE registry = ? AND repository = ? AND digest = ?",
        e.registry(),
        e.repository(),
        Sql.text(e.digest()));
  }

  private void deleteBlob(Writes w, RegistryEvent e) throws SQLException {
    Object[] blob =
        w.firstRow(
            2,
            "SELECT size, last_pushed FROM blobs"
                + " WHERE registry = ? AND repository = ? AND digest = ?",
            e.registry(),
            e.repository(),
            Sql.text(e.digest()));
    w.update(
        "INSERT INTO deleted_blobs (event_id, registry, repository, digest, deleted_at, size, last_pushed)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
        e.id(),
        e.registry(),
        e.repository(),
        Sql.text(e.digest()),
        EventEffects.millis(e),
        blob[0],
        blob[1]);
    w.update(
        "DELETE FROM blobs WHERE registry = ? AND repository = ? AND digest = ?",
        e.registry(),
        e.repository(),
        Sql.text(e.digest()));
  }

  private static boolean exists(Writes w, String sql, RegistryEvent e) throws SQLException {
    return w.exists(sql, e.registry(), e.repository(), Sql.text(e.digest()));
  }
}
