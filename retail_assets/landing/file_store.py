"""The landing zone behind a small interface, so a GCS bucket can replace the folder.

The sensor, the quarantine job and the bronze assets are typed with `LandingFileStore`
and only call its methods: they never learn where files live. `LocalFileStore` (a folder
under the data root) is the embedded default.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import shutil
import stat
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import BinaryIO

from dagster import ConfigurableResource


@dataclass(frozen=True)
class LandingFile:
    """A file waiting in the landing zone. `version` changes whenever the file is re-written."""

    name: str
    size: int
    version: str  # local: mtime in ns; GCS: the object generation
    problem: str | None = None  # why it can never be read as an export (a link, a FIFO, no permission)

    @property
    def identity(self) -> str:
        return f"{self.name}@{self.version}:{self.size}"


def _candidates(target: Path):
    """`target`, `target.1`, `target.2`..."""
    yield target
    n = 0
    while True:
        n += 1
        yield target.with_name(f"{target.name}.{n}")


def _unused(target: Path) -> Path:
    """`target`, or `target.1`, `target.2`...: moving never overwrites an earlier file.

    lexists, not exists: a dangling link (moved in from the landing zone) is an entry too."""
    return next(c for c in _candidates(target) if not os.path.lexists(c))


def _claim_reason(base: Path) -> tuple[Path, Path, int]:
    """A free name for a rejected file and its reason file, the reason file created (its fd returned).

    rejected/ holds links moved from the landing zone, named after what a sender chose: one named like
    a later file's `.reason.txt` must never be written through (that would create or overwrite a file
    outside the data root). So the reason file is created exclusively and without following a link,
    and a name that is taken, by a file or a link, is passed over."""
    for target in _candidates(base):
        reason_file = Path(f"{target}.reason.txt")
        if os.path.lexists(target) or os.path.lexists(reason_file):
            continue
        try:
            fd = os.open(reason_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        except FileExistsError:  # taken meanwhile
            continue
        return target, reason_file, fd
    raise AssertionError("unreachable")


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
# A stored name gets a 16-character stamp or 13-character hash prefix and a ".reason.txt" suffix:
# kept well under the file systems' 255 bytes, so a 250-character upload can still be rejected.
SAFE_NAME_CHARS = 120


def safe_name(name: str) -> str:
    """A file name that cannot escape its folder or confuse a shell, at most SAFE_NAME_CHARS long."""
    cleaned = _SAFE_NAME.sub("_", Path(name).name).lstrip(".") or "unnamed"
    if len(cleaned) > SAFE_NAME_CHARS:  # keep the end too: it carries the date and the extension
        cleaned = cleaned[: SAFE_NAME_CHARS - 41] + "_" + cleaned[-40:]
    return cleaned


def partition_folder(partition_key: str) -> str:
    """The archive folder of a daily partition: the key must be an ISO date (2024-03-01). Checked here,
    not trusted from the caller, because it becomes a path: `../x` or `/tmp` would archive outside."""
    try:
        valid = date.fromisoformat(partition_key).isoformat() == partition_key
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise ValueError(f"partition key {partition_key!r} is not a date like 2024-03-01")
    return partition_key


class NotALandingFile(OSError, ValueError):
    """The name is not a plain file directly in the landing zone (a path, a link, a FIFO): never read.

    An OSError, so whoever reads a file handles it with the other I/O failures."""


class FileTooBig(OSError):
    """The file holds more bytes than the caller's limit; `size` is at least limit + 1."""

    def __init__(self, size: int):
        super().__init__(f"file holds at least {size} bytes")
        self.size = size


def entry_problem(mode: int) -> str | None:
    """Why a landing entry with this lstat mode can never be read as an export, if it cannot."""
    if stat.S_ISLNK(mode):
        return "a symbolic link, not a file: links are never followed out of the landing zone"
    if not stat.S_ISREG(mode):
        return "not a regular file (a FIFO, socket or device): it has no content to load"
    return None


class LandingFileStore(ConfigurableResource, ABC):
    """Where exports land, and where they go once judged: archive (loaded) or rejected (with a reason)."""

    @abstractmethod
    def list_files(self) -> list[LandingFile]:
        """Files waiting in the landing zone, complete uploads only, oldest name first."""

    @abstractmethod
    def read_bytes(self, name: str, max_bytes: int | None = None) -> bytes:
        """A waiting file's content; FileTooBig past `max_bytes` (read no further than that)."""

    @abstractmethod
    def open_stream(self, name: str) -> BinaryIO:
        """A waiting file as a binary stream to read once from the start, used as a context manager.

        What lets bronze read a 500 MB CSV a block at a time instead of holding it whole; an
        object store returns its download stream here."""

    @abstractmethod
    def sha256(self, name: str) -> str:
        """A waiting file's content hash (hex)."""

    @abstractmethod
    def archive(self, name: str, partition_key: str, sha256: str) -> str:
        """Move a loaded file out of the landing zone, never overwriting an earlier one; where it went."""

    @abstractmethod
    def reject(self, name: str, reason: str) -> str:
        """Move an unusable file out of the landing zone with its reason beside it; where it went."""

    @abstractmethod
    def is_archived(self, name: str, partition_key: str, sha256: str) -> bool:
        """True if this exact content under this name was archived before (a re-upload, not a retry)."""

    @abstractmethod
    def write(self, name: str, content: bytes) -> None:
        """Land `content` as `name`, atomically: a lister sees the whole file or none of it.

        Replaces a waiting file of the same name. `name` is the caller's safe name, never a path."""


class LocalFileStore(LandingFileStore):
    """Landing zone in a local folder; archive and rejected folders beside it under the data root."""

    landing_dir: str
    archive_dir: str
    rejected_dir: str

    def list_files(self) -> list[LandingFile]:
        """Entries directly in the landing folder, by name; hidden and partial files and folders skipped.

        Only names and lstat: nothing is opened, so ten thousand files list in a tick. Links,
        FIFOs and files without read permission are listed with their `problem`, to be quarantined.
        """
        root = Path(self.landing_dir)
        if not root.exists():
            return []
        files = []
        for path in sorted(root.iterdir()):
            # .part/.tmp and dot-files are uploads still in flight: pick them up once renamed.
            if path.name.startswith(".") or path.suffix in {".part", ".tmp"}:
                continue
            try:
                st = path.lstat()
            except FileNotFoundError:  # moved away while listing
                continue
            if stat.S_ISDIR(st.st_mode):
                continue
            problem = entry_problem(st.st_mode)
            if problem is None and not os.access(path, os.R_OK):
                problem = "not readable: permission denied"
            files.append(LandingFile(path.name, st.st_size, str(st.st_mtime_ns), problem))
        return files

    def read_bytes(self, name: str, max_bytes: int | None = None) -> bytes:
        with self._open(name) as fh:
            content = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
        if max_bytes is not None and len(content) > max_bytes:
            raise FileTooBig(len(content))
        return content

    def open_stream(self, name: str) -> BinaryIO:
        return self._open(name)

    def sha256(self, name: str) -> str:
        digest = hashlib.sha256()
        with self._open(name) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def archive(self, name: str, partition_key: str, sha256: str) -> str:
        """Move a loaded file to archive/<partition>/; the hash prefix keeps re-uploads apart."""
        target = Path(self.archive_dir) / partition_folder(partition_key) / f"{sha256[:12]}_{safe_name(name)}"
        return self._move(name, _unused(target))

    def reject(self, name: str, reason: str) -> str:
        """Move an unusable file to rejected/ with `<file>.reason.txt` beside it.

        The reason is written first: a move that fails leaves the file in landing and no stray
        reason; a crash after the reason leaves the reason, never a rejected file without one.
        """
        entry = self._entry(name)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        Path(self.rejected_dir).mkdir(parents=True, exist_ok=True)
        target, reason_file, fd = _claim_reason(Path(self.rejected_dir) / f"{stamp}_{safe_name(name)}")
        # backslashreplace: a name with an undecodable byte must not stop its own reason
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write(reason.rstrip() + "\n")
        try:
            shutil.move(str(entry), target)
        except OSError:
            reason_file.unlink(missing_ok=True)
            raise
        return str(target)

    def is_archived(self, name: str, partition_key: str, sha256: str) -> bool:
        """True if this exact content under this name was archived before (a re-upload, not a retry)."""
        return (Path(self.archive_dir) / partition_folder(partition_key) / f"{sha256[:12]}_{safe_name(name)}").exists()

    def write(self, name: str, content: bytes) -> None:
        """Written under a dot-name ending in .part (which list_files skips), then renamed into place."""
        target = self._entry(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{secrets.token_hex(8)}.part")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())  # the rename must not reach the disk before the bytes do
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)

    def _entry(self, name: str) -> Path:
        """The landing entry itself, never resolved: moving a link moves the link, not its target."""
        if not name or name in {".", ".."} or "/" in name or "\0" in name:
            raise NotALandingFile(f"{name!r} is not a file directly in the landing zone")
        return Path(self.landing_dir) / name

    def _open(self, name: str):
        """Open for reading without following a link or blocking on a FIFO; only regular files."""
        try:
            fd = os.open(self._entry(name), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # O_NOFOLLOW on a link
                raise NotALandingFile(f"{name!r} is not a file directly in the landing zone: "
                                      "a symbolic link") from None
            raise
        problem = entry_problem(os.fstat(fd).st_mode)
        if problem:
            os.close(fd)
            raise NotALandingFile(f"{name!r} is not a file directly in the landing zone: {problem}")
        return os.fdopen(fd, "rb")

    def _move(self, name: str, target: Path) -> str:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(self._entry(name)), target)
        return str(target)
