-- One row per landing file: where it went and how every row was accounted for.
-- rows_read = rows_loaded + rows_rejected + rows_duplicate, always.
CREATE SCHEMA IF NOT EXISTS audit;
CREATE TABLE IF NOT EXISTS audit.file_loads (
    file            VARCHAR NOT NULL,
    sha256          VARCHAR NOT NULL,
    profile         VARCHAR,
    entity          VARCHAR,
    "partition"     DATE,
    rows_read       BIGINT NOT NULL DEFAULT 0,
    rows_loaded     BIGINT NOT NULL DEFAULT 0,
    rows_rejected   BIGINT NOT NULL DEFAULT 0,
    rows_duplicate  BIGINT NOT NULL DEFAULT 0,
    status          VARCHAR NOT NULL,  -- bronze | loaded | superseded | rejected | duplicate_file
    reason          VARCHAR,
    loaded_at       TIMESTAMP NOT NULL
);
