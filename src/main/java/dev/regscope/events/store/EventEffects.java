package dev.regscope.events.store;

import dev.regscope.events.Action;
import dev.regscope.events.Reference;
import dev.regscope.events.RegistryEvent;
import dev.regscope.events.StoredManifests;
import dev.regscope.events.Target;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a stored event says about tags, manifests, blobs, pulls and traffic, written to the derived
 * tables inside the delivery's transaction. Events may arrive late (a retry after a newer event),
 * so every time is kept as the latest seen and a tag moves only to a push newer than the one it
 * points at.
 */
final class EventEffects {
  private static final String LATER =
      "CASE WHEN %1$s.%2$s IS NULL OR %1$s.%2$s < excluded.%2$s "
          + "THEN excluded.%2$s ELSE %1$s.%2$s END";

  private final StoredManifests storage;
  private final Deletes deletes;

  EventEffects(StoredManifests storage) {
    this.storage = storage;
    this.deletes = new Deletes(storage);
  }

  /** Records what a newly stored event says; an action this version does not know says nothing. */
  void apply(Writes w, RegistryEvent e) throws SQLException {
    Optional<Action> action = Action.of(e.action());
    if (action.isEmpty()) {
      return; // kept raw in events; nothing known to derive
    }
    switch (action.get()) {
      case PUSH, MOUNT -> {
        boolean push = action.get() == Action.PUSH; // a mount moves no bytes and pushes no image
        if (e.target() == Target.MANIFEST) {
          pushManifest(w, e);
          if (push) {
            Traffic.imagePushed(w, e);
          }
        } else {
          pushBlob(w, e);
          if (push && e.target() == Target.BLOB) {
            Traffic.blobPushed(w, e);
          }
        }
      }
      case PULL -> {
        if (e.target() == Target.MANIFEST) {
          pullManifest(w, e);
          if (!e.isHead()) {
            Traffic.imagePulled(w, e);
          }
        } else {
          pullBlob(w, e);
          if (!e.isHead() && e.target() == Target.BLOB) {
            Traffic.blobPulled(w, e);
          }
        }
      }
      case DELETE -> deletes.apply(w, e);
    }
  }

  private void pushManifest(Writes w, RegistryEvent e) throws SQLException {
    w.update(
        "INSERT INTO manifests (registry, repository, digest, media_type, size, last_pushed, last_pulled, pulls)"
            + " VALUES (?, ?, ?, ?, ?, ?, NULL, 0) ON CONFLICT (registry, repository, digest) DO UPDATE SET"
            + " media_type = excluded.media_type, size = excluded.size, last_pushed = "
            + later("manifests", "last_pushed"),
        e.registry(),
        e.repository(),
        Sql.text(e.digest()),
        e.mediaType(),
        Sql.size(e.size()),
        millis(e));
    storeReferences(w, e);
    if (e.tag() != null) {
      // A tag moved to another manifest starts over: pulls of the image it named before are not
      // pulls of this one.
      w.update(
          "INSERT INTO tags (registry, repository, tag, digest, last_pushed, last_pulled, pulls)"
              + " VALUES (?, ?, ?, ?, ?, NULL, 0) ON CONFLICT (registry, repository, tag) DO UPDATE SET"
              + " digest = excluded.digest, last_pushed = excluded.last_pushed,"
              + " last_pulled = CASE WHEN tags.digest = excluded.digest THEN tags.last_pulled ELSE NULL END,"
              + " pulls = CASE WHEN tags.digest = excluded.digest THEN tags.pulls ELSE 0 END"
              + " WHERE tags.last_pushed IS NULL OR tags.last_pushed <= excluded.last_pushed",
          e.registry(),
          e.repository(),
          e.tag(),
          Sql.text(e.digest()),
          millis(e));
    }
  }

  private void pushBlob(Writes w, RegistryEvent e) throws SQLException {
    w.update(
        "INSERT INTO blobs (registry, repository, digest, media_type, size, last_pushed, last_pulled)"
            + " VALUES (?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (registry, repository, digest) DO UPDATE SET"
            + " size = excluded.size, last_pushed = "
            + later("blobs", "last_pushed"),
        e.registry(),
        e.repository(),
        Sql.text(e.digest()),
        e.mediaType(),
        Sql.size(e.size()),
        millis(e));
  }

  private void pullManifest(Writes w, RegistryEvent e) throws SQLException {
    // A HEAD (a kubelet resolving a tag it has cached) marks the image as in use but downloads
    // nothing.
    int download = e.isHead() ? 0 : 1;
    w.update(
        "INSERT INTO manifests (registry, repository, digest, media_type, size, last_pushed, last_pulled, pulls)"
            + " VALUES (?, ?, ?, ?, ?, NULL, ?, ?) ON CONFLICT (registry, repository, digest) DO UPDATE SET"
            + " last_pulled = "
            + later("manifests", "last_pulled")
            + ", pulls = manifests.pulls + excluded.pulls",
        e.registry(),
        e.repository(),
        Sql.text(e.digest()),
        e.mediaType(),
        Sql.size(e.size()),
        millis(e),
        download);
    storeReferences(w, e);
    if (e.tag() != null) {
      // The registry resolved the tag to this digest when it answered: a tag pushed before regscope
      // listened is
      // learnt here, and a pull newer than the tag's last push says where the tag points.
      w.update(
          "INSERT INTO tags (registry, repository, tag, digest, last_pushed, last_pulled, pulls)"
              + " VALUES (?, ?, ?, ?, NULL, ?, ?) ON CONFLICT (registry, repository, tag) DO UPDATE SET"
              + " digest = CASE WHEN tags.last_pushed IS NULL OR tags.last_pushed <= excluded.last_pulled"
              + " THEN excluded.digest ELSE tags.digest END,"
              + " last_pulled = "
              + later("tags", "last_pulled")
              + ", pulls = tags.pulls + excluded.pulls",
          e.registry(),
          e.repository(),
          e.tag(),
          Sql.text(e.digest()),
          millis(e),
          download);
    } else {
      // A pull by digest is a pull of every tag naming that digest.
      w.update(
          "UPDATE tags SET last_pulled = CASE WHEN last_pulled IS NULL OR last_pulled < ? THEN ?"
              + " ELSE last_pulled END, pulls = pulls + ? WHERE registry = ? AND repository = ? AND digest = ?",
          millis(e),
          millis(e),
          download,
          e.registry(),
          e.repository(),
          Sql.text(e.digest()));
    }
    w.update(
        "INSERT INTO repositories (registry, repository, pulls, last_pulled) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (registry, repository) DO UPDATE SET pulls = repositories.pulls + excluded.pulls,"
            + " last_pulled = "
            + later("repositories", "last_pulled"),
        e.registry(),
        e.repository(),
        download,
        millis(e));
  }

  private void pullBlob(Writes w, RegistryEvent e) throws SQLException {
    w.update(
        "INSERT INTO blobs (registry, repository, digest, media_type, size, last_pushed, last_pulled)"
            + " VALUES (?, ?, ?, ?, ?, NULL, ?) ON CONFLICT (registry, repository, digest) DO UPDATE SET"
            + " last_pulled = "
            + later("blobs", "last_pulled"),
        e.registry(),
        e.repository(),
        Sql.text(e.digest()),
        e.mediaType(),
        Sql.size(e.size()),
        millis(e));
  }

  /**
   * The event's references, else the manifest's own from storage (once: a manifest's bytes never
   * change).
   */
  private void storeReferences(Writes w, RegistryEvent e) throws SQLException {
    if (exists(
        w,
        "SELECT 1 FROM manifest_blob WHERE registry = ? AND repository = ? AND manifest = ?",
        e)) {
      return; // known: a manifest's bytes, and so its references, never change
    }
    List<Reference> references = e.references();
    if (references == null) {
      references = storage.references(e.digest()).orElse(List.of());
    }
    List<Object[]> rows = new ArrayList<>();
    for (Reference reference : references) {
      rows.add(
          new Object[] {
            e.registry(),
            e.repository(),
            Sql.text(e.digest()),
            Sql.text(reference.digest()),
            reference.mediaType(),
            Sql.size(reference.size())
          });
    }
    w.batch(
        "INSERT INTO manifest_blob (registry, repository, manifest, blob, media_type, size)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (registry, repository, manifest, blob) DO NOTHING",
        rows);
  }

  private static String later(String table, String column) {
    return String.format(LATER, table, column);
  }

  private boolean exists(Writes w, String sql, RegistryEvent e) throws SQLException {
    return w.exists(sql, e.registry(), e.repository(), Sql.text(e.digest()));
  }

  static long millis(RegistryEvent e) {
    return e.timestamp().toEpochMilli();
  }
}
