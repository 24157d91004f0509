"""How big a landing file, its name and its content may be before it is refused unread.

Pure: the sensor checks names and sizes (from a listing, nothing opened), bronze checks
what it reads. Every limit is per source profile (`limits:` in its YAML); the defaults are
far above any real export (an Online Retail day is under 1 MB, a synthetic day a few MB),
so only a broken or hostile file ever meets them.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

# Names longer than this are not exports (file systems stop at 255 bytes; ours need room
# for the archive's hash prefix): quarantined before anything else happens to them.
MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class FileLimits:
    max_bytes: int = 500_000_000          # the file as stored
    max_rows: int = 5_000_000             # data rows after parsing
    max_cell_chars: int = 32_767          # Excel's own cell limit: no real export has longer text
    max_xlsx_uncompressed_bytes: int = 1_000_000_000  # what the zip declares it inflates to


def parse_limits(raw: dict | None) -> FileLimits:
    """A profile's `limits:` mapping (any subset of FileLimits' fields) over the defaults."""
    raw = dict(raw or {})
    unknown = set(raw) - set(FileLimits.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown limits {sorted(unknown)}; known: {sorted(FileLimits.__dataclass_fields__)}")
    return FileLimits(**{k: int(v) for k, v in raw.items()})


def human_bytes(n: int) -> str:
    """2_100_000_000 -> '2.1 GB' (decimal units, as file managers show them)."""
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= size:
            return f"{n / size:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def display_name(name: str) -> str:
    """A name as text any log, table or database can hold: undecodable bytes as \\xNN escapes."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def name_problem(name: str) -> str | None:
    """Why a file name cannot be an export's, if it cannot (undecodable or over-long)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return f"file name {display_name(name)!r} is not valid UTF-8"
    if len(name) > MAX_NAME_CHARS:
        return f"file name is {len(name)} characters, over the limit of {MAX_NAME_CHARS}"
    return None


def size_problem(size: int, limits: FileLimits) -> str | None:
    if size > limits.max_bytes:
        return f"file is {human_bytes(size)}, over this profile's limit of {human_bytes(limits.max_bytes)}"
    return None


def xlsx_problem(archive: zipfile.ZipFile, limits: FileLimits) -> str | None:
    """Refuse a zip bomb from its directory alone: the sizes its members declare, nothing inflated.

    zipfile never inflates a member past its declared size (it stops there and fails the CRC),
    so the declared total bounds what openpyxl can make of it.
    """
    declared = sum(member.file_size for member in archive.infolist())
    if declared > limits.max_xlsx_uncompressed_bytes:
        return (f"XLSX unpacks to {human_bytes(declared)}, over this profile's limit of "
                f"{human_bytes(limits.max_xlsx_uncompressed_bytes)}")
    return None


def rows_problem(rows: int, limits: FileLimits, complete: bool = True) -> str | None:
    """`complete=False` when reading stopped as soon as the count passed the limit: the file has at least that many."""
    if rows > limits.max_rows:
        return f"file has {'' if complete else 'at least '}{rows:,} rows, over this profile's limit of {limits.max_rows:,}"
    return None


def cell_problem(longest: int, column: str, limits: FileLimits) -> str | None:
    if longest > limits.max_cell_chars:
        return (f"a value in column {column[:60]!r} is {longest:,} characters long, over this profile's "
                f"limit of {limits.max_cell_chars:,}")
    return None


def file_problem(name: str, size: int, entry: str | None, limits: FileLimits | None) -> str | None:
    """Why a listed file is quarantined unread, if it is: its name, what it is, its size.

    The sensor quarantines these and bronze leaves them alone, so both must ask this one function.
    `limits` is None for a file no profile claims (it is quarantined anyway)."""
    problem = name_problem(name)
    if problem is None and entry is not None:
        problem = entry
    if problem is None and limits is not None:
        problem = size_problem(size, limits)
    return problem
