"""A year of Online Retail daily exports, built from the 95 real days.

The real days (Dec 2010 .. Mar 2011, two folders) are cycled over consecutive
dates from 2010-12-01, skipping Saturdays as the real export does. Each written
file gets its new date in its name and in every InvoiceDate (the time of day is
kept), and copy k of a real day (k = 0, 1, 2, ...) adds k * 1,000,000 to every
invoice number (the real ones are below 600,000; a 'C' cancellation prefix is
kept), so no line, invoice or file duplicates another day's.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

FIRST_DATE = date(2010, 12, 1)
SATURDAY = 5
INVOICE_STEP = 1_000_000
_INVOICE = re.compile(r"^(\D*)(\d+)$")
_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.csv$")
_DIR_NAMES = ("online-retail", "online-retail-history")


def real_data_dirs() -> list[Path]:
    """The real export folders: RETAIL_ONLINE_RETAIL_DIR (and its -history sibling), else /work/shared/data."""
    base = os.environ.get("RETAIL_ONLINE_RETAIL_DIR")
    if base:
        first = Path(base)
        return [p for p in (first, first.with_name(first.name + "-history")) if p.is_dir()]
    here = Path(__file__).resolve().parents[2] / "shared" / "data"
    root = here if (here / _DIR_NAMES[0]).is_dir() else Path("/work/shared/data")
    return [root / name for name in _DIR_NAMES if (root / name).is_dir()]


def real_days(dirs: list[Path] | None = None) -> list[Path]:
    """Every real daily export, in date order."""
    files = [f for d in (dirs or real_data_dirs()) for f in d.iterdir() if _FILE.match(f.name)]
    if not files:
        raise FileNotFoundError(f"no Online Retail exports (YYYY-MM-DD.csv) in {dirs or real_data_dirs()}")
    return sorted(files, key=lambda f: f.name)


def trading_dates(count: int, first: date = FIRST_DATE) -> list[date]:
    """`count` consecutive dates from `first`, Saturdays left out."""
    out, day = [], first
    while len(out) < count:
        if day.weekday() != SATURDAY:
            out.append(day)
        day += timedelta(days=1)
    return out


def _invoice(value: str, copy: int) -> str:
    if copy == 0:
        return value
    m = _INVOICE.match(value)
    if not m:
        raise ValueError(f"unexpected InvoiceNo {value!r}")
    return f"{m.group(1)}{int(m.group(2)) + copy * INVOICE_STEP}"


@dataclass(frozen=True)
class YearStats:
    files: int
    lines: int
    first: date
    last: date
    real_days: int


def build_year(dest: Path, dates: int, sources: list[Path] | None = None) -> YearStats:
    """Write `dates` daily exports into `dest` (created); returns what was written."""
    sources = sources or real_days()
    dest.mkdir(parents=True, exist_ok=True)
    days = trading_dates(dates)
    lines = 0
    for i, day in enumerate(days):
        source, copy = sources[i % len(sources)], i // len(sources)
        stamp = day.isoformat()
        with source.open(newline="", encoding="utf-8") as fin, \
                (dest / f"{stamp}.csv").open("w", newline="", encoding="utf-8") as fout:
            reader = csv.reader(fin)
            writer = csv.writer(fout, lineterminator="\n")
            header = next(reader)
            inv, ts = header.index("InvoiceNo"), header.index("InvoiceDate")
            writer.writerow(header)
            for row in reader:
                if not row:
                    continue
                row[inv] = _invoice(row[inv], copy)
                row[ts] = stamp + row[ts][10:]  # 'YYYY-MM-DD HH:MM:SS': the date replaced, the time kept
                writer.writerow(row)
                lines += 1
    return YearStats(files=len(days), lines=lines, first=days[0], last=days[-1], real_days=len(sources))
