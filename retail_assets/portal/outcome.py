"""What became of an upload, in the API's four statuses and in plain words: pure functions of the audit.

The counts and the verdict are audit.file_loads' row for the landed file (matched by landed name and
sha256) and silver.rejected_rows' reasons; the ledger only says whether the portal refused the file
at once. Statuses:

- waiting: not processed yet (no audit row, or bronze has read it and silver has not judged it yet);
- loaded: every row loaded, or counted as a repeat of a row already loaded; also a file a later
  upload of the same export and day replaced (audit `superseded`: processed, nothing to do);
- loaded_with_rejects: loaded, and some rows could not be (silver.rejected_rows says why);
- rejected: nothing of the file was loaded (refused at once, refused by the pipeline, or the same
  content as a file already loaded: audit `duplicate_file`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

from retail_assets.portal.ledger import Upload

STATUSES = ("waiting", "loaded", "loaded_with_rejects", "rejected")
COUNTS = ("rows_read", "rows_loaded", "rows_rejected", "rows_duplicate")
FINAL = {"loaded", "loaded_with_rejects", "rejected"}


@dataclass(frozen=True)
class UploadStatus:
    id: str
    file: str               # the name it was sent with
    status: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    reason: str | None = None

    def api(self) -> dict:
        return asdict(self)

    @property
    def final(self) -> bool:
        return self.status in FINAL


def audit_row_of(upload: Upload, audit_rows: list[dict]) -> dict | None:
    """The upload's audit row: same landed name and content. A later re-delivery of identical content
    adds a `duplicate_file` row beside the first: the first one is this upload's."""
    mine = [r for r in audit_rows if r["file"] == upload.landed_name and r["sha256"] == upload.sha256]
    if not mine:
        return None
    return min(mine, key=lambda r: (r["status"] == "duplicate_file", str(r.get("loaded_at", ""))))


def rejection_summary(dq_errors: list[str], limit: int = 4) -> str:
    """'3 rows could not be loaded: quantity is 0 (2 rows); quantity -2 is negative ... (1 row)'."""
    reasons = Counter(part.strip() for errors in dq_errors for part in str(errors).split("; ") if part.strip())
    shown = [f"{reason} ({n} {'row' if n == 1 else 'rows'})" for reason, n in reasons.most_common(limit)]
    if len(reasons) > limit:
        shown.append(f"and {len(reasons) - limit} other reasons")
    rows = len(dq_errors)
    return f"{rows} {'row' if rows == 1 else 'rows'} could not be loaded: " + "; ".join(shown)


def status_of(upload: Upload, audit_rows: list[dict], dq_errors: list[str] | None = None) -> UploadStatus:
    """The upload's status from its audit row; `dq_errors` (its rejected rows' reasons) words the
    reason of loaded_with_rejects."""
    if upload.refused_reason:
        return UploadStatus(upload.id, upload.original_name, "rejected", reason=upload.refused_reason)
    row = audit_row_of(upload, audit_rows)
    if row is None:
        return UploadStatus(upload.id, upload.original_name, "waiting", reason="waiting to be processed")
    counts = {c: int(row[c] or 0) for c in COUNTS}
    audit_status, audit_reason = row["status"], row.get("reason") or None
    if audit_status == "loaded":
        if counts["rows_rejected"]:
            reason = rejection_summary(dq_errors) if dq_errors else audit_reason
            return UploadStatus(upload.id, upload.original_name, "loaded_with_rejects", **counts, reason=reason)
        return UploadStatus(upload.id, upload.original_name, "loaded", **counts, reason=audit_reason)
    if audit_status == "superseded":
        return UploadStatus(upload.id, upload.original_name, "loaded", **counts,
                            reason="replaced by a later upload of the same file: its rows no longer count")
    if audit_status in {"rejected", "duplicate_file"}:
        return UploadStatus(upload.id, upload.original_name, "rejected", **counts, reason=audit_reason)
    # 'bronze': read, not yet judged row by row (or a status this portal does not know yet)
    return UploadStatus(upload.id, upload.original_name, "waiting", **counts, reason="being processed")


def plain_words(status: UploadStatus) -> str:
    """One sentence for the person who sent the file."""
    if status.status == "waiting":
        if status.reason == "being processed":
            return "Your file is being processed. This page updates by itself."
        return "Your file was received and is waiting to be processed. This page updates by itself."
    if status.status == "rejected":
        return f"Your file was not loaded: {status.reason}."
    if status.reason and status.reason.startswith("replaced by"):
        return f"This file was loaded, then {status.reason}."
    loaded = f"{status.rows_loaded:,} of {status.rows_read:,} rows were loaded"
    repeats = (f"; {status.rows_duplicate:,} were repeats of rows already loaded and count once"
               if status.rows_duplicate else "")
    if status.status == "loaded_with_rejects":
        return f"{loaded}{repeats}. {status.reason or f'{status.rows_rejected:,} rows could not be loaded'}."
    if status.rows_loaded == status.rows_read:
        return f"All {status.rows_read:,} rows were loaded."
    return f"{loaded}{repeats}."
