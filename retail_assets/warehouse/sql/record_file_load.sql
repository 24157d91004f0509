-- One audit row per landing file (identified by name and content hash).
INSERT INTO audit.file_loads
VALUES ($file, $sha256, $profile, $entity, $partition, $rows_read, $rows_loaded,
        $rows_rejected, $rows_duplicate, $status, $reason, $loaded_at);
