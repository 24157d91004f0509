"""Column lists of the silver outputs: clean rows, rejected rows and per-file accounting."""

from __future__ import annotations

from retail_assets.entities import Entity

LINEAGE = ["partition_date", "source_file", "file_sha256", "source_row_number"]
REJECTED_COLUMNS = ["entity", "partition_date", "source_file", "file_sha256", "row_number", "raw_record", "dq_errors"]
ACCOUNTING_COLUMNS = ["file_sha256", "source_file", "rows_read", "rows_loaded", "rows_rejected", "rows_duplicate"]
# ...plus `superseded`: the file was replaced by a newer upload of the same name.


def silver_columns(entity: Entity) -> list[str]:
    """A silver table's columns: the entity's, its derived fields, then lineage."""
    return entity.column_names + list(entity.derived) + LINEAGE
