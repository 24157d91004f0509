-- Silver's verdict on a file already in bronze: how its rows were accounted for.
-- A file replaced by a newer upload of the same name is 'superseded' (all rows duplicates).
UPDATE audit.file_loads
SET rows_read = $rows_read, rows_loaded = $rows_loaded, rows_rejected = $rows_rejected,
    rows_duplicate = $rows_duplicate, status = $status, loaded_at = $loaded_at
WHERE sha256 = $sha256 AND status IN ('bronze', 'loaded', 'superseded');
