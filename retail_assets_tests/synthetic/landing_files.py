"""Readers for the generator's landing files, used by the source tests only."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd

DATE_IN_NAME = re.compile(r"_(\d{4}-\d{2}-\d{2})\.")


def file_date(path: Path) -> date:
    """Business date D from a name like pos_sales_D.csv."""
    return date.fromisoformat(DATE_IN_NAME.search(path.name).group(1))


def files(landing: Path, kind: str) -> list[Path]:
    """Files of one kind ('pos_sales', 'customers', ...) in date order."""
    return sorted(p for p in landing.iterdir() if re.fullmatch(rf"{kind}_\d{{4}}-\d{{2}}-\d{{2}}\.\w+", p.name))


def read_csvs(landing: Path, kind: str) -> pd.DataFrame:
    """All CSV files of a kind as text, with the file's business date."""
    frames = [
        pd.read_csv(p, dtype=str, keep_default_na=False).assign(file_date=file_date(p)) for p in files(landing, kind)
    ]
    return pd.concat(frames, ignore_index=True)


def read_ndjson(landing: Path, kind: str) -> pd.DataFrame:
    """All NDJSON files of a kind, values as parsed JSON (numbers stay numbers)."""
    rows = []
    for p in files(landing, kind):
        d = file_date(p)
        rows += [{**json.loads(line), "file_date": d} for line in p.read_text(encoding="utf-8").splitlines()]
    return pd.DataFrame(rows)


def read_customers(landing: Path) -> pd.DataFrame:
    """Every customer version delivered, as text, with the file's business date."""
    frames = [
        pd.read_excel(p, sheet_name="customers", dtype=str).assign(file_date=file_date(p))
        for p in files(landing, "customers")
    ]
    return pd.concat(frames, ignore_index=True)


def digests(landing: Path) -> dict[str, str]:
    """sha256 of every file by name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(landing.iterdir())}
