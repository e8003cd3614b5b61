-- One schema for SQLite and PostgreSQL: only types and statements both accept. Times are epoch milliseconds.

-- Every event as received, one row per event id; never updated.
CREATE TABLE events (
  id           VARCHAR(255)  NOT NULL PRIMARY KEY,
  registry     VARCHAR(255)  NOT NULL,
  action       VARCHAR(32)   NOT NULL,
  target       VARCHAR(16)   NOT NULL,
  occurred_at  BIGINT        NOT NULL,
  received_at  BIGINT        NOT NULL,
  repository   VARCHAR(255)  NOT NULL,
  digest       VARCHAR(160),
  tag          VARCHAR(128),
  media_type   VARCHAR(255),
  size         BIGINT,
  method       VARCHAR(16),
  actor        VARCHAR(255),
  user_agent   VARCHAR(1024),
  body         TEXT          NOT NULL
);
CREATE INDEX events_by_time ON events (occurred_at);
CREATE INDEX events_by_repository ON events (registry, repository, occurred_at);

-- Events stored per action, kept beside the events so a scrape does not count a million rows.
CREATE TABLE event_counts (
  registry  VARCHAR(255) NOT NULL,
  action    VARCHAR(32)  NOT NULL,
  events    BIGINT       NOT NULL,
  PRIMARY KEY (registry, action)
);

-- Manifest downloads (GET) per repository: the counter repository_pulls_total, kept across restarts.
CREATE TABLE repositories (
  registry     VARCHAR(255) NOT NULL,
  repository   VARCHAR(255) NOT NULL,
  pulls        BIGINT       NOT NULL,
  last_pulled  BIGINT,
  PRIMARY KEY (registry, repository)
);

CREATE TABLE blobs (
  registry     VARCHAR(255) NOT NULL,
  repository   VARCHAR(255) NOT NULL,
  digest       VARCHAR(160) NOT NULL,
  media_type   VARCHAR(255),
  size         BIGINT,
  last_pushed  BIGINT,
  last_pulled  BIGINT,
  PRIMARY KEY (registry, repository, digest)
);

CREATE TABLE manifests (
  registry     VARCHAR(255) NOT NULL,
  repository   VARCHAR(255) NOT NULL,
  digest       VARCHAR(160) NOT NULL,
  media_type   VARCHAR(255),
  size         BIGINT,
  last_pushed  BIGINT,
  last_pulled  BIGINT,
  pulls        BIGINT       NOT NULL,
  PRIMARY KEY (registry, repository, digest)
);

-- What a manifest references: config and layers of an image, child manifests of an index.
CREATE TABLE manifest_blob (
  registry    VARCHAR(255) NOT NULL,
  repository  VARCHAR(255) NOT NULL,
  manifest    VARCHAR(160) NOT NULL,
  blob        VARCHAR(160) NOT NULL,
  media_type  VARCHAR(255),
  size        BIGINT,
  PRIMARY KEY (registry, repository, manifest, blob)
);
CREATE INDEX manifest_blob_by_blob ON manifest_blob (registry, repository, blob);

CREATE TABLE tags (
  registry     VARCHAR(255) NOT NULL,
  repository   VARCHAR(255) NOT NULL,
  tag          VARCHAR(128) NOT NULL,
  digest       VARCHAR(160) NOT NULL,
  last_pushed  BIGINT,
  last_pulled  BIGINT,
  pulls        BIGINT       NOT NULL,
  PRIMARY KEY (registry, repository, tag)
);
CREATE INDEX tags_by_digest ON tags (registry, repository, digest);

-- The audit trail: what a delete removed, with what was known of it then.
CREATE TABLE deleted_tags (
  event_id     VARCHAR(255) NOT NULL,
  registry     VARCHAR(255) NOT NULL,
  repository   VARCHAR(255) NOT NULL,
  tag          VARCHAR(128) NOT NULL,
  digest       VARCHAR(160),
  deleted_at   BIGINT       NOT NULL,
  last_pushed  BIGINT,
  last_pulled  BIGINT,
  PRIMARY KEY (event_id, repository, tag)
);

CREATE TABLE deleted_manifests (
  event_id     VARCHAR(255) NOT NULL PRIMARY KEY,
  registry     VARCHAR(255) NOT NULL,
  repository   VARCHAR(255) NOT NULL,
  digest       VARCHAR(160) NOT NULL,
  deleted_at   BIGINT       NOT NULL,
  media_type   VARCHAR(255),
  last_pushed  BIGINT,
  last_pulled  BIGINT
);

CREATE TABLE deleted_blobs (
  event_id     VARCHAR(255) NOT NULL PRIMARY KEY,
  registry     VARCHAR(255) NOT NULL,
  repository   VARCHAR(255) NOT NULL,
  digest       VARCHAR(160) NOT NULL,
  deleted_at   BIGINT       NOT NULL,
  size         BIGINT,
  last_pushed  BIGINT
);
