"""Uploads' statuses and rejected rows, read from the warehouse through its read-only `read_rows`.

Short reads, no cache: while a run writes the warehouse, `WarehouseBusy` reaches the caller, which
says so (a page keeps refreshing, the API answers 503 with Retry-After) instead of guessing.
"""

from __future__ import annotations

import pandas as pd

from retail_assets.portal.ledger import Upload
from retail_assets.portal.outcome import COUNTS, UploadStatus, status_of
from retail_assets.warehouse.base import Warehouse

AUDIT_COLUMNS = ["file", "sha256", "status", "reason", "loaded_at", *COUNTS]
REJECTED_COLUMNS = ["row_number", "dq_errors", "raw_record"]


class UploadOutcomes:
    def __init__(self, warehouse: Warehouse):
        self.warehouse = warehouse

    def _audit_rows(self, uploads: list[Upload]) -> list[dict]:
        landed = [u for u in uploads if u.landed_name and not u.refused_reason]
        frame = self.warehouse.read_rows("audit", "file_loads", {"sha256": sorted({u.sha256 for u in landed})},
                                         columns=AUDIT_COLUMNS)
        return frame.astype(object).where(frame.notna(), None).to_dict("records")

    def statuses(self, uploads: list[Upload]) -> dict[str, UploadStatus]:
        """Every upload's status from one read of the audit (a list page): counts, no reasons of rows."""
        rows = self._audit_rows(uploads)
        return {u.id: status_of(u, rows) for u in uploads}

    def status(self, upload: Upload) -> UploadStatus:
        """One upload's status, its rejected rows' reasons summed up in words when it has some."""
        rows = self._audit_rows([upload])
        status = status_of(upload, rows)
        if status.status == "loaded_with_rejects":
            errors = self.rejected_rows(upload, columns=["dq_errors"])["dq_errors"].tolist()
            status = status_of(upload, rows, errors)
        return status

    def rejected_rows(self, upload: Upload, columns: list[str] | None = None, limit: int | None = None) -> pd.DataFrame:
        """The upload's rows silver refused, by row number (row 1 = the first row after the header)."""
        if not upload.landed_name or upload.refused_reason:
            return pd.DataFrame(columns=columns or REJECTED_COLUMNS)
        return self.warehouse.read_rows("silver", "rejected_rows",
                                        {"source_file": [upload.landed_name], "file_sha256": [upload.sha256]},
                                        columns=columns or REJECTED_COLUMNS, order_by=["row_number"], limit=limit)
