-- Silver's verdict on a file already in bronze: how its rows were accounted for.
UPDATE audit.file_loads
SET rows_read = $rows_read, rows_loaded = $rows_loaded, rows_rejected = $rows_rejected,
    rows_duplicate = $rows_duplicate, status = 'loaded', loaded_at = $loaded_at
WHERE sha256 = $sha256 AND status IN ('bronze', 'loaded');
