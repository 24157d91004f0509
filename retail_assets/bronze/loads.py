"""Move landing files of one entity and partition window into bronze: the logic behind bronze assets.

Every file ends in exactly one place: bronze + archive/, or rejected/ with a
reason. Nothing is deleted, and the same content is never appended twice.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone

import pyarrow as pa

from retail_assets.bronze.arrow_rows import FileRejected, canonical_rows, with_lineage
from retail_assets.bronze.streamed_rows import STREAMED_FORMATS, CannotJudge, streamed_batches
from retail_assets.landing.file_store import FileTooBig, LandingFileStore
from retail_assets.landing.limits import file_problem, size_problem
from retail_assets.landing.profiles import UnmatchedFile, match_file
from retail_assets.pause_points import pause_point
from retail_assets.warehouse.base import Warehouse


@dataclass
class FileOutcome:
    file: str
    sha256: str
    profile: str
    partition: str
    status: str  # bronze | duplicate_file | rejected
    rows_read: int = 0
    reason: str | None = None


def files_in_window(store: LandingFileStore, entity: str, start: date, end: date, profiles=None):
    """(name, size, profile, partition) of landing files of `entity` with start <= partition < end.

    Files the sensor quarantines unread (links, hostile names, over the size limit) are left to
    the quarantine run: `file_problem` is the sensor's own test."""
    out = []
    for f in store.list_files():
        try:
            m = match_file(f.name, profiles)
        except UnmatchedFile:
            continue  # not ours to judge here: the sensor quarantines unmatched files
        day = date.fromisoformat(m.partition_key)
        if m.profile.entity == entity and start <= day < end \
                and file_problem(f.name, f.size, f.problem, m.profile.limits) is None:
            out.append((f.name, f.size, m.profile, m.partition_key))
    return out


# A drop is written in batches of this many rows: one transaction for hundreds of files, while a
# catch-up of years never holds more than this in memory (chunked by rows, not by calendar gaps).
BATCH_ROWS = 1_000_000


def read_landing_file(store: LandingFileStore, name: str, size: int, profile) -> bytes:
    """The file's bytes, never more than its profile allows (FileRejected with the reason)."""
    try:
        return store.read_bytes(name, max_bytes=profile.limits.max_bytes)
    except OSError as exc:
        raise _read_failure(exc, size, profile) from None


class FileChanged(OSError):
    """The file's bytes changed between bronze's hashing pass and its reading pass."""


# Given out by `landing_rows` when the batches given so far must be dropped: the streamed reader could not
# judge the file after all, and the batches that follow are the whole-file reader's.
START_OVER = object()


def landing_rows(store: LandingFileStore, name: str, size: int, profile) -> tuple[str, Iterator]:
    """The sha256 of the file and its canonical rows as an iterator of tables (or START_OVER); FileRejected
    with the reason, from this call or from the iteration.

    CSV and NDJSON are streamed (bronze/streamed_rows.py): the file is hashed first, so its content is known
    (a duplicate, a retry) before a row is parsed and every batch carries its lineage, then read a batch at a
    time, so memory holds a batch, not the file, and a file over a limit is refused at its first block over it.
    What the stream cannot judge as the whole-file reader does is read whole, bounded by the byte limit;
    JSON arrays and XLSX always are (one table).
    """
    if profile.format not in STREAMED_FORMATS:
        rows, sha = whole_file_rows(store, name, size, profile)
        return sha, iter([rows])
    try:
        sha = store.sha256(name)
    except OSError as exc:
        raise _read_failure(exc, size, profile) from None
    return sha, _streamed(store, name, size, profile, sha)


def _streamed(store: LandingFileStore, name: str, size: int, profile, sha: str) -> Iterator:
    try:
        with store.open_stream(name) as stream:
            read_sha = yield from streamed_batches(stream, profile)
    except CannotJudge:
        yield START_OVER
        rows, read_sha = whole_file_rows(store, name, size, profile)
        yield rows
    except FileRejected as exc:
        exc.sha256 = exc.sha256 or sha
        raise
    except OSError as exc:
        raise _read_failure(exc, size, profile) from None
    if read_sha != sha:
        raise FileChanged(f"{name!r} changed while it was read")


def whole_file_rows(store: LandingFileStore, name: str, size: int, profile) -> tuple[pa.Table, str]:
    """`landing_rows` from the file's bytes held whole: its bytes, text and rows in memory at once."""
    content = read_landing_file(store, name, size, profile)
    sha = hashlib.sha256(content).hexdigest()
    try:
        return canonical_rows(content, profile), sha
    except FileRejected as exc:
        exc.sha256 = sha  # read whole: the audit keeps the hash without reading the file again
        raise


def _read_failure(exc: OSError, size: int, profile) -> FileRejected:
    if isinstance(exc, FileTooBig):  # grew since it was listed: stopped reading at the limit
        return FileRejected(size_problem(max(size, exc.size), profile.limits))
    return FileRejected(f"unreadable: {exc.strerror or exc}")


def _sha_or_empty(store: LandingFileStore, name: str) -> str:
    try:
        return store.sha256(name)
    except OSError:
        return ""  # never read: the audit row says why


def load_files_to_bronze(store: LandingFileStore, warehouse: Warehouse, entity: str, start: date, end: date,
                         log=None, profiles=None, batch_rows: int = BATCH_ROWS) -> list[FileOutcome]:
    """Load, archive or reject every landing file of `entity` in the window; record each in the audit.

    Files are archived only once their rows and audit row are committed, so a crash in between
    leaves them in landing, and the re-run archives them without appending twice (see `retry`).
    Each file is judged in its own try: an unreadable or oversized file is rejected with its reason
    and the others load; only a warehouse failure stops the window.
    """
    outcomes = []
    with warehouse.bronze_writer(entity) as bronze:
        to_archive: list[tuple[str, str, str]] = []  # (name, partition, sha) written, not yet committed
        in_batch: dict[str, str] = {}  # sha256 -> name of this batch's loaded files (not committed yet)

        def commit():
            bronze.commit()
            for name, partition, sha in to_archive:
                pause_point("bronze.before_archive")  # committed, this file not yet moved
                try:
                    store.archive(name, partition, sha)
                except OSError as exc:  # rows committed; the next run of the window archives it (`retry`)
                    _log(log, "error", f"file={name!r} status=archive_failed error={exc}; stays in landing")
            to_archive.clear()
            in_batch.clear()

        for name, size, profile, partition in files_in_window(store, entity, start, end, profiles):
            began = time.perf_counter()
            sha = ""
            audit = dict(file=name, profile=profile.name, entity=entity, partition=date.fromisoformat(partition))
            ingested_at = datetime.now(timezone.utc).replace(tzinfo=None)
            try:
                sha, batches = landing_rows(store, name, size, profile)
                audit["sha256"] = sha
                earlier = in_batch.get(sha) or bronze.already_loaded(sha)
                # Same name, same content, never archived: a retry after a crash between the
                # bronze append and the archive move. The rows are in bronze; just archive.
                retry = earlier == name and not store.is_archived(name, partition, sha)
                if earlier is None:
                    rows = _append_rows(bronze, batches, profile, name, sha, partition, ingested_at)
                elif not retry:
                    rows = _counted_rows(batches)
                else:
                    rows = 0
            except FileChanged as exc:  # written to while read: the next run reads the finished file
                bronze.discard(sha)
                _log(log, "warning", f"file={name!r} entity={entity} status=changed_while_read; stays in landing ({exc})")
                continue
            except FileRejected as exc:
                bronze.discard(sha)
                # A file refused mid-stream was not read to its end: its hash takes one more (constant-memory) pass.
                sha = exc.sha256 or sha or _sha_or_empty(store, name)
                outcomes.append(FileOutcome(name, sha, profile.name, partition, "rejected", reason=str(exc)))
                # The audit row is committed before the move: rejected/ never holds a file unexplained.
                audit["sha256"] = sha
                bronze.record(**audit, status="rejected", reason=str(exc))
                commit()
                pause_point("bronze.before_reject")  # its audit row committed, the file not yet moved
                try:
                    moved = store.reject(name, f"{name!r}: {exc}\nprofile: {profile.name}\nsha256: {sha or 'not read'}\n")
                except OSError as move_error:
                    moved = f"nowhere ({move_error}; stays in landing)"
                _log(log, "error", f"file={name!r} entity={entity} status=rejected profile={profile.name} "
                                   f"partition={partition} rows_read=0 reason={exc} moved_to={moved!r}")
                continue
            outcome = FileOutcome(name, sha, profile.name, partition, status="bronze", rows_read=rows)
            if earlier is None:
                in_batch[sha] = name
                # A header-only file has nothing for silver to account for: it is done here.
                bronze.record(**audit, rows_read=rows, status="bronze" if rows else "loaded")
            elif not retry:
                outcome.status = "duplicate_file"
                outcome.reason = f"same content as {earlier}, already loaded"
                bronze.record(**audit, rows_read=rows, rows_duplicate=rows,
                              status="duplicate_file", reason=outcome.reason, replace=False)
            to_archive.append((name, partition, sha))
            _log(log, "info", f"file={name!r} entity={entity} status={outcome.status} profile={profile.name} "
                              f"partition={partition} rows_read={outcome.rows_read} "
                              f"seconds={time.perf_counter() - began:.3f}")
            outcomes.append(outcome)
            if bronze.pending_rows >= batch_rows:
                commit()
        commit()
    return outcomes


def _append_rows(bronze, batches: Iterator, profile, name: str, sha: str, partition: str,
                 ingested_at: datetime) -> int:
    """Append the file's batches with their lineage; the number of rows appended."""
    rows = 0
    for batch in batches:
        if batch is START_OVER:  # read again, whole: what was appended of it goes
            bronze.discard(sha)
            rows = 0
            continue
        bronze.append(with_lineage(batch, profile, name, sha, partition, ingested_at, first_row=rows + 1), sha)
        rows += batch.num_rows
    return rows


def _counted_rows(batches: Iterator) -> int:
    """Rows of a file whose content is already loaded: read (and judged) like any file, kept nowhere."""
    rows = 0
    for batch in batches:
        rows = 0 if batch is START_OVER else rows + batch.num_rows
    return rows


def _log(log, level: str, message: str) -> None:
    if log is not None:
        getattr(log, level)(message)
