package dev.regscope.events.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The questions the event store answers. Plain SQL that SQLite and PostgreSQL read alike, so both
 * give the same answers; what the two spell differently (string aggregation) is done here instead.
 * Times are columns ending in {@code _at}, {@code pushed} or {@code pulled}, returned as {@link
 * Instant}s.
 */
public final class EventQueries {
  /** The query names, as {@code regscope query NAME} takes them. */
  public enum Name {
    IMAGES("images"),
    STALE("stale"),
    OLD("old"),
    MOST_TAGGED("most-tagged"),
    ORPHAN_BLOBS("orphan-blobs"),
    MISSING_BLOBS("missing-blobs"),
    DELETED("deleted"),
    TRAFFIC("traffic");

    private final String label;

    Name(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    public static Name of(String label) {
      for (Name name : values()) {
        if (name.label.equals(label)) {
          return name;
        }
      }
      throw new IllegalArgumentException(
          "unknown query "
              + label
              + "; known: "
              + String.join(", ", java.util.Arrays.stream(values()).map(Name::label).toList()));
    }
  }

  /**
   * @param olderThan for {@code old}: pushed before now minus this; for {@code orphan-blobs}:
   *     pushed before (so a push in progress, layers before its manifest, is not an orphan); null:
   *     no bound
   * @param notPulledFor for {@code stale}: neither pulled nor pushed for this long
   * @param limit rows at most, 0 for all
   * @param registry only this canonical registry name, or null for all
   * @param since for {@code traffic}: the UTC days from the one holding now minus this; null: all
   *     history
   */
  public record Options(
      Duration olderThan, Duration notPulledFor, int limit, String registry, Duration since) {
    public static final Options ALL = new Options(null, null, 0, null);

    public Options(Duration olderThan, Duration notPulledFor, int limit, String registry) {
      this(olderThan, notPulledFor, limit, registry, null);
    }
  }

  /** What the scan knows of tag sizes, by repository and tag. */
  public interface TagSizes {
    TagSizes NONE = (repository, tag) -> null;

    /**
     * Bytes of the tag's layers as the scan measured them, or null where the scan does not know the
     * tag.
     */
    Long sizeOf(String repository, String tag);
  }

  private final EventDatabase database;
  private final Clock clock;

  public EventQueries(EventDatabase database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  public QueryResult run(Name name, Options options, TagSizes sizes) throws SQLException {
    return switch (name) {
      case IMAGES ->
          withSizes(
              name,
              select(
                  options,
                  "SELECT registry, repository, tag, digest, last_pushed AS pushed,"
                      + " last_pulled AS pulled, pulls FROM tags WHERE 1 = 1 %s ORDER BY registry, repository, tag",
                  "registry"),
              sizes,
              options,
              false);
      case STALE -> {
        long before = before(options.notPulledFor(), "stale needs --not-pulled-for");
        yield withSizes(
            name,
            select(
                options,
                "SELECT registry, repository, tag, digest, last_pushed AS pushed,"
                    + " last_pulled AS pulled, pulls FROM tags WHERE COALESCE(last_pulled, last_pushed) < "
                    + before
                    + " %s ORDER BY registry, repository, tag",
                "registry"),
            sizes,
            options,
            true);
      }
      case OLD -> {
        long before = before(options.olderThan(), "old needs --older-than");
        yield limited(
            name,
            select(
                options,
                "SELECT registry, repository, tag, digest, last_pushed AS pushed,"
                    + " last_pulled AS pulled FROM tags WHERE last_pushed < "
                    + before
                    + " %s ORDER BY last_pushed, registry, repository, tag",
                "registry"),
            options);
      }
      case MOST_TAGGED -> mostTagged(options);
      case ORPHAN_BLOBS -> {
        String pushed =
            options.olderThan() == null
                ? ""
                : " AND b.last_pushed < " + before(options.olderThan(), "");
        yield limited(
            name,
            select(
                options,
                "SELECT b.registry, b.repository, b.digest, b.size, b.last_pushed AS pushed"
                    + " FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM manifest_blob mb WHERE mb.registry = b.registry"
                    + " AND mb.repository = b.repository AND mb.blob = b.digest)"
                    + pushed
                    + " %s ORDER BY b.size DESC, b.registry, b.repository, b.digest",
                "b.registry"),
            options);
      }
      case MISSING_BLOBS ->
          limited(
              name,
              select(
                  options,
                  "SELECT mb.registry, mb.repository, mb.manifest,"
                      + " mb.blob, mb.media_type, mb.size,"
                      + " CASE WHEN EXISTS (SELECT 1 FROM deleted_blobs d WHERE d.registry = mb.registry"
                      + " AND d.repository = mb.repository AND d.digest = mb.blob) THEN 'deleted' ELSE 'never pushed' END AS status"
                      + " FROM manifest_blob mb JOIN manifests m ON m.registry = mb.registry AND m.repository = mb.repository"
                      + " AND m.digest = mb.manifest"
                      // Only manifests pushed while regscope listened: of older ones, the layer
                      // pushes were never seen.
                      + " WHERE m.last_pushed IS NOT NULL"
                      + " AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.registry = mb.registry AND b.repository = mb.repository"
                      + " AND b.digest = mb.blob)"
                      + " AND NOT EXISTS (SELECT 1 FROM manifests c WHERE c.registry = mb.registry"
                      + " AND c.repository = mb.repository AND c.digest = mb.blob)"
                      // Foreign (Windows base) and non-distributable layers are never pushed to a
                      // registry.
                      + " AND (mb.media_type IS NULL OR (mb.media_type <> 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip'"
                      + " AND mb.media_type NOT LIKE 'application/vnd.oci.image.layer.nondistributable.%%'))"
                      + " %s ORDER BY mb.registry, mb.repository, mb.manifest, mb.blob",
                  "mb.registry"),
              options);
      case TRAFFIC -> {
        long fromDay =
            options.since() == null
                ? Long.MIN_VALUE
                : Math.floorDiv(before(options.since(), ""), Traffic.DAY_MILLIS);
        yield limited(
            name,
            select(
                options,
                "SELECT registry, repository, SUM(pull_bytes) AS pulled_bytes, SUM(pulls) AS pulls,"
                    + " SUM(push_bytes) AS pushed_bytes, SUM(pushes) AS pushes FROM daily_traffic"
                    + " WHERE day >= "
                    + fromDay
                    + " %s GROUP BY registry, repository"
                    + " ORDER BY pulled_bytes DESC, pushed_bytes DESC, registry, repository",
                "registry"),
            options);
      }
      case DELETED ->
          limited(
              name,
              select(
                  options,
                  "SELECT kind, registry, repository, name, digest, deleted_at FROM ("
                      + " SELECT 'tag' AS kind, registry, repository, tag AS name, digest, deleted_at, event_id FROM deleted_tags"
                      + " UNION ALL SELECT 'manifest', registry, repository, digest, digest, deleted_at, event_id"
                      + " FROM deleted_manifests"
                      + " UNION ALL SELECT 'blob', registry, repository, digest, digest, deleted_at, event_id FROM deleted_blobs"
                      + ") deleted WHERE 1 = 1 %s ORDER BY deleted_at DESC, kind, repository, name, event_id",
                  "registry"),
              options);
    };
  }

  private long before(Duration duration, String missing) {
    if (duration == null) {
      throw new IllegalArgumentException(missing);
    }
    return Instant.now(clock).minus(duration).toEpochMilli();
  }

  /** Tags per manifest, most first, with the tags listed. */
  private QueryResult mostTagged(Options options) throws SQLException {
    QueryResult tags =
        select(
            options,
            "SELECT registry, repository, digest, tag FROM tags WHERE 1 = 1 %s"
                + " ORDER BY registry, repository, digest, tag",
            "registry");
    Map<List<Object>, List<String>> byManifest = new LinkedHashMap<>();
    for (List<Object> row : tags.rows()) {
      byManifest
          .computeIfAbsent(row.subList(0, 3), k -> new ArrayList<>())
          .add((String) row.get(3));
    }
    List<List<Object>> rows = new ArrayList<>();
    byManifest.forEach(
        (key, names) -> {
          List<Object> row = new ArrayList<>(key);
          row.add((long) names.size());
          row.add(String.join(",", names));
          rows.add(row);
        });
    rows.sort(Comparator.comparingLong((List<Object> row) -> -(Long) row.get(3)));
    return limited(
        Name.MOST_TAGGED,
        new QueryResult("", List.of("registry", "repository", "digest", "tags", "tag_names"), rows),
        options);
  }

  /** Adds the scan's size of each tag; for stale, largest first (unknown sizes last). */
  private static QueryResult withSizes(
      Name name, QueryResult result, TagSizes sizes, Options options, boolean largestFirst) {
    List<String> columns = new ArrayList<>(result.columns());
    columns.add(4, "size_bytes");
    List<List<Object>> rows = new ArrayList<>();
    for (List<Object> row : result.rows()) {
      List<Object> sized = new ArrayList<>(row);
      sized.add(4, sizes.sizeOf((String) row.get(1), (String) row.get(2)));
      rows.add(sized);
    }
    if (largestFirst) {
      ToLongFunction<List<Object>> size = row -> row.get(4) == null ? -1 : (Long) row.get(4);
      rows.sort(
          Comparator.comparingLong(size)
              .reversed()); // stable: ties keep registry, repository, tag order
    }
    return limited(name, new QueryResult("", columns, rows), options);
  }

  private static QueryResult limited(Name name, QueryResult result, Options options) {
    List<List<Object>> rows = result.rows();
    if (options.limit() > 0 && rows.size() > options.limit()) {
      rows = rows.subList(0, options.limit());
    }
    return new QueryResult(name.label(), result.columns(), rows);
  }

  /**
   * Runs {@code sql} with its {@code %s} replaced by the registry condition on {@code
   * registryColumn}.
   */
  private QueryResult select(Options options, String sql, String registryColumn)
      throws SQLException {
    String condition = options.registry() == null ? "" : " AND " + registryColumn + " = ?";
    Object[] values =
        options.registry() == null ? new Object[0] : new Object[] {options.registry()};
    try (Connection connection = database.connection()) {
      return Rows.read(connection, String.format(Locale.ROOT, sql, condition), values);
    }
  }
}
