"""The portal's own small record of what it received: one row per uploaded file, in SQLite.

Upload id -> original name, landed name, sha256, size, when, through which channel, and the reason
if the portal refused the file at once. Never counts or outcomes: those are read from the audit
(outcome.py), so there is no second bookkeeping to drift from the warehouse's.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    original_name  TEXT NOT NULL,
    landed_name    TEXT,             -- NULL when refused at once
    profile        TEXT,
    partition      TEXT,             -- the business date, YYYY-MM-DD
    sha256         TEXT NOT NULL,
    size           INTEGER NOT NULL,
    received_at    TEXT NOT NULL,    -- UTC, ISO 8601
    channel        TEXT NOT NULL,    -- page | api
    refused_reason TEXT
);
CREATE INDEX IF NOT EXISTS uploads_by_landed_file ON uploads (landed_name, sha256);
"""
_COLUMNS = ("id", "original_name", "landed_name", "profile", "partition", "sha256", "size", "received_at",
            "channel", "refused_reason")


@dataclass(frozen=True)
class Upload:
    id: str
    original_name: str
    landed_name: str | None
    profile: str | None
    partition: str | None
    sha256: str
    size: int
    received_at: str
    channel: str
    refused_reason: str | None = None


_UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{8,40}")


def is_upload_id(text: str) -> bool:
    """Looks like an id this ledger hands out (anything else is not even looked up)."""
    return bool(_UPLOAD_ID.fullmatch(text))


def new_upload_id() -> str:
    """Random, not a counter: an id reveals nothing about how many files others sent."""
    return secrets.token_urlsafe(12)


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class UploadLedger:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # One connection per call: requests run on several threads, and SQLite connections are not shared.
        with closing(sqlite3.connect(self.path, timeout=30)) as conn, conn:
            yield conn

    def add(self, upload: Upload) -> Upload:
        with self._connect() as conn:
            conn.execute(f"INSERT INTO uploads ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                         [getattr(upload, c) for c in _COLUMNS])
        return upload

    def get(self, upload_id: str) -> Upload | None:
        with self._connect() as conn:
            row = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM uploads WHERE id = ?", [upload_id]).fetchone()
        return Upload(*row) if row else None

    def recent(self, limit: int = 50) -> list[Upload]:
        """The latest uploads, newest first."""
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM uploads ORDER BY seq DESC LIMIT ?", [limit]).fetchall()
        return [Upload(*row) for row in rows]

    def landed_with(self, landed_name: str, sha256: str) -> Upload | None:
        """The latest upload that landed this very content under this name, if any."""
        with self._connect() as conn:
            row = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM uploads WHERE landed_name = ? AND sha256 = ? "
                               "ORDER BY seq DESC LIMIT 1", [landed_name, sha256]).fetchone()
        return Upload(*row) if row else None

    def latest_landed_as(self, landed_name: str) -> Upload | None:
        """The last upload landed under this name (the one a file still waiting under it came from)."""
        with self._connect() as conn:
            row = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM uploads WHERE landed_name = ? "
                               "ORDER BY seq DESC LIMIT 1", [landed_name]).fetchone()
        return Upload(*row) if row else None
