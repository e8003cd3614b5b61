-- PostgreSQL only: V1's VARCHAR(n) refused real values (a Host header over 255 characters, a
-- User-Agent over 1,024), and the registry retried the refused event forever. TEXT has no limit
-- and costs the same; VARCHAR to TEXT rewrites neither the tables nor their indexes. SQLite never
-- enforced the lengths.

ALTER TABLE events
  ALTER COLUMN id TYPE TEXT,
  ALTER COLUMN registry TYPE TEXT,
  ALTER COLUMN action TYPE TEXT,
  ALTER COLUMN target TYPE TEXT,
  ALTER COLUMN repository TYPE TEXT,
  ALTER COLUMN digest TYPE TEXT,
  ALTER COLUMN tag TYPE TEXT,
  ALTER COLUMN media_type TYPE TEXT,
  ALTER COLUMN method TYPE TEXT,
  ALTER COLUMN actor TYPE TEXT,
  ALTER COLUMN user_agent TYPE TEXT;

ALTER TABLE event_counts
  ALTER COLUMN registry TYPE TEXT,
  ALTER COLUMN action TYPE TEXT;

ALTER TABLE repositories
  ALTER COLUMN registry TYPE TEXT,
  ALTER COLUMN repository TYPE TEXT;

ALTER TABLE blobs
  ALTER COLUMN registry TYPE TEXT,
  ALTER COLUMN repository TYPE TEXT,
  ALTER COLUMN digest TYPE TEXT,
  ALTER COLUMN media_type TYPE TEXT;

ALTER TABLE manifests
  ALTER COLUMN registry TYPE TEXT,
  ALTER COLUMN repository TYPE TEXT,
  ALTER COLUMN digest TYPE TEXT,
  ALTER COLUMN media_type TYPE TEXT;

ALTER TABLE manifest_blob
  ALTER COLUMN registry TYPE TEXT,
  ALTER COLUMN repository TYPE TEXT,
  ALTER COLUMN manifest TYPE TEXT,
  ALTER COLUMN blob TYPE TEXT,
  ALTER COLUMN media_type TYPE TEXT;

ALTER TABLE tags
  ALTER COLUMN registry TYPE TEXT,
  ALTER COLUMN repository TYPE TEXT,
  ALTER COLUMN tag TYPE TEXT,
  ALTER COLUMN digest TYPE TEXT;

ALTER TABLE deleted_tags
  ALTER COLUMN event_id TYPE TEXT,
  ALTER COLUMN registry TYPE TEXT,
  ALTER COLUMN repository TYPE TEXT,
  ALTER COLUMN tag TYPE TEXT,
  ALTER COLUMN digest TYPE TEXT;

ALTER TABLE deleted_manifests
  ALTER COLUMN event_id TYPE TEXT,
  ALTER COLUMN registry TYPE TEXT,
  ALTER COLUMN repository TYPE TEXT,
  ALTER COLUMN digest TYPE TEXT,
  ALTER COLUMN media_type TYPE TEXT;

ALTER TABLE deleted_blobs
  ALTER COLUMN event_id TYPE TEXT,
  ALTER COLUMN registry TYPE TEXT,
  ALTER COLUMN repository TYPE TEXT,
  ALTER COLUMN digest TYPE TEXT;
