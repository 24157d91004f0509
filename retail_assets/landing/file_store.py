"""The landing zone behind a small interface, so a GCS bucket can replace the folder.

The sensor, the quarantine job and the bronze assets are typed with `LandingFileStore`
and only call its methods: they never learn where files live. `LocalFileStore` (a folder
under the data root) is the embedded default.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from dagster import ConfigurableResource


@dataclass(frozen=True)
class LandingFile:
    """A file waiting in the landing zone. `version` changes whenever the file is re-written."""

    name: str
    size: int
    version: str  # local: mtime in ns; GCS: the object generation

    @property
    def identity(self) -> str:
        return f"{self.name}@{self.version}:{self.size}"


def _unused(target: Path) -> Path:
    """`target`, or `target.1`, `target.2`...: moving never overwrites an earlier file."""
    candidate, n = target, 0
    while candidate.exists():
        n += 1
        candidate = target.with_name(f"{target.name}.{n}")
    return candidate


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """A file name that cannot escape its folder or confuse a shell."""
    cleaned = _SAFE_NAME.sub("_", Path(name).name).lstrip(".")
    return cleaned or "unnamed"


class LandingFileStore(ConfigurableResource, ABC):
    """Where exports land, and where they go once judged: archive (loaded) or rejected (with a reason)."""

    @abstractmethod
    def list_files(self) -> list[LandingFile]:
        """Files waiting in the landing zone, complete uploads only, oldest name first."""

    @abstractmethod
    def read_bytes(self, name: str) -> bytes:
        """A waiting file's content."""

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


class LocalFileStore(LandingFileStore):
    """Landing zone in a local folder; archive and rejected folders beside it under the data root."""

    landing_dir: str
    archive_dir: str
    rejected_dir: str

    def list_files(self) -> list[LandingFile]:
        """Regular files directly in the landing folder, oldest name first; hidden and partial files skipped."""
        root = Path(self.landing_dir)
        if not root.exists():
            return []
        files = []
        for path in sorted(root.iterdir()):
            # .part/.tmp and dot-files are uploads still in flight: pick them up once renamed.
            if not path.is_file() or path.name.startswith(".") or path.suffix in {".part", ".tmp"}:
                continue
            stat = path.stat()
            files.append(LandingFile(path.name, stat.st_size, str(stat.st_mtime_ns)))
        return files

    def read_bytes(self, name: str) -> bytes:
        return self._landing_path(name).read_bytes()

    def sha256(self, name: str) -> str:
        digest = hashlib.sha256()
        with self._landing_path(name).open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def archive(self, name: str, partition_key: str, sha256: str) -> str:
        """Move a loaded file to archive/<partition>/; the hash prefix keeps re-uploads apart."""
        target = Path(self.archive_dir) / partition_key / f"{sha256[:12]}_{safe_name(name)}"
        return self._move(name, _unused(target))

    def reject(self, name: str, reason: str) -> str:
        """Move an unusable file to rejected/ with `<file>.reason.txt` beside it."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        target = _unused(Path(self.rejected_dir) / f"{stamp}_{safe_name(name)}")
        moved = self._move(name, target)
        Path(f"{moved}.reason.txt").write_text(reason.rstrip() + "\n", encoding="utf-8")
        return moved

    def is_archived(self, name: str, partition_key: str, sha256: str) -> bool:
        """True if this exact content under this name was archived before (a re-upload, not a retry)."""
        return (Path(self.archive_dir) / partition_key / f"{sha256[:12]}_{safe_name(name)}").exists()

    def _landing_path(self, name: str) -> Path:
        root = Path(self.landing_dir).resolve()
        path = (root / name).resolve()
        if path.parent != root:
            raise ValueError(f"{name!r} is not a file directly in the landing zone")
        return path

    def _move(self, name: str, target: Path) -> str:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(self._landing_path(name)), target)
        return str(target)
