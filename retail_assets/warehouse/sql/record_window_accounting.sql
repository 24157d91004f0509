-- Silver's verdict on the files of one window, from the staged accounting (one row per file),
-- in the same transaction as the window's silver and rejected rows.
-- A file replaced by a newer upload of the same name is 'superseded' (all rows duplicates).
UPDATE audit.file_loads AS f
SET rows_read = a.rows_read, rows_loaded = a.rows_loaded, rows_rejected = a.rows_rejected,
    rows_duplicate = a.rows_duplicate, status = CASE WHEN a.superseded THEN 'superseded' ELSE 'loaded' END,
    loaded_at = $loaded_at
FROM stage_accounting AS a
WHERE f.sha256 = a.file_sha256 AND f.status IN ('bronze', 'loaded', 'superseded');
