-- Retention, traffic and poison events. Both databases read this file; see V1 for the rules.

-- Traffic per repository, counted as events arrive and never pruned: the counters
-- repository_pull_bytes_total and repository_push_bytes_total, and image pushes.
ALTER TABLE repositories ADD COLUMN pushes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE repositories ADD COLUMN pull_bytes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE repositories ADD COLUMN push_bytes BIGINT NOT NULL DEFAULT 0;

-- The same per UTC day (day = epoch milliseconds / 86400000): history kept after the raw events
-- are pruned. pulls and pushes are manifest GETs and PUTs; bytes are blob GETs and PUTs (mounts
-- move nothing, HEADs download nothing).
CREATE TABLE daily_traffic (
  registry    TEXT    NOT NULL,
  repository  TEXT    NOT NULL,
  day         BIGINT  NOT NULL,
  pulls       BIGINT  NOT NULL,
  pushes      BIGINT  NOT NULL,
  pull_bytes  BIGINT  NOT NULL,
  push_bytes  BIGINT  NOT NULL,
  PRIMARY KEY (registry, repository, day)
);
CREATE INDEX daily_traffic_by_day ON daily_traffic (day);

-- Events the store can never accept (malformed, a push without a digest, a value the database
-- refuses), kept raw and answered 200 so the registry's queue flows. Keyed by the event id, or by
-- "sha256:" and the digest of the event's JSON when it has none.
CREATE TABLE rejected_events (
  event_key    TEXT    NOT NULL PRIMARY KEY,
  received_at  BIGINT  NOT NULL,
  reason       TEXT    NOT NULL,
  error        TEXT    NOT NULL,
  body         TEXT    NOT NULL
);
CREATE INDEX rejected_events_by_time ON rejected_events (received_at);

-- The counter regscope_events_rejected_total, kept apart so pruning rejected events keeps it.
CREATE TABLE rejected_counts (
  reason  TEXT    NOT NULL PRIMARY KEY,
  events  BIGINT  NOT NULL
);

-- Nothing reads events by repository (queries use the derived tables); each index costs every
-- delivery a write.
DROP INDEX events_by_repository;

-- What the events already stored say, so an upgraded store starts with its history.
INSERT INTO daily_traffic (registry, repository, day, pulls, pushes, pull_bytes, push_bytes)
SELECT registry, repository, occurred_at / 86400000,
       SUM(CASE WHEN action = 'pull' AND target = 'manifest' AND UPPER(COALESCE(method, '')) <> 'HEAD'
           THEN 1 ELSE 0 END),
       SUM(CASE WHEN action = 'push' AND target = 'manifest' THEN 1 ELSE 0 END),
       SUM(CASE WHEN action = 'pull' AND target = 'blob' AND UPPER(COALESCE(method, '')) <> 'HEAD'
           THEN COALESCE(size, 0) ELSE 0 END),
       SUM(CASE WHEN action = 'push' AND target = 'blob' THEN COALESCE(size, 0) ELSE 0 END)
FROM events
WHERE action IN ('pull', 'push') AND target IN ('manifest', 'blob')
GROUP BY registry, repository, occurred_at / 86400000;

INSERT INTO repositories (registry, repository, pulls, last_pulled, pushes, pull_bytes, push_bytes)
SELECT registry, repository, 0, NULL, SUM(pushes), SUM(pull_bytes), SUM(push_bytes)
FROM daily_traffic
GROUP BY registry, repository
ON CONFLICT (registry, repository) DO UPDATE SET
  pushes = excluded.pushes, pull_bytes = excluded.pull_bytes, push_bytes = excluded.push_bytes;
