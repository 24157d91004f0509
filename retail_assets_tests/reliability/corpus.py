"""The bad-input corpus (fixtures/bad_inputs/manifest.yaml): its cases, dropped into a landing zone,
and what became of each after one ingestion, read from the warehouse and the data root's folders."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import yaml

from retail_assets.entities import ENTITIES
from retail_assets.landing.file_store import safe_name
from retail_assets.landing.limits import display_name
from retail_assets.landing.profiles import UnmatchedFile, match_file
from retail_assets_tests.fixtures.bad_inputs.generate import GENERATORS

CORPUS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "bad_inputs"
KINDS = ("loaded", "loaded_with_rejections", "duplicate_file", "file_rejected", "left_in_landing")
_TODAY_PLUS = re.compile(r"\{today\+(\d+)\}")


@dataclass(frozen=True)
class Case:
    case: str
    dropped_as: str
    expect: str
    file: str | None = None
    generator: str | None = None
    rows_read: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    values: list[dict] = field(default_factory=list)
    dq_errors: list[str] = field(default_factory=list)
    reason: str | None = None
    note: str = ""

    @property
    def landed_name(self) -> str:
        """`dropped_as` with {today+N} rendered (UTC, as the sensor's partitions)."""
        today = datetime.now(timezone.utc).date()
        return _TODAY_PLUS.sub(lambda m: (today + timedelta(days=int(m.group(1)))).isoformat(), self.dropped_as)

    @property
    def entity(self) -> str | None:
        try:
            return match_file(self.landed_name).profile.entity
        except UnmatchedFile:
            return None


def load_cases() -> list[Case]:
    """The manifest's cases, sorted by name (the parametrized test ids: the same in every xdist worker)."""
    raw = yaml.safe_load((CORPUS_DIR / "manifest.yaml").read_text(encoding="utf-8"))
    cases = sorted((Case(**entry) for entry in raw), key=lambda c: c.case)
    names = [c.case for c in cases]
    assert len(names) == len(set(names)), f"duplicate case names in the manifest: {names}"
    for c in cases:
        assert c.expect in KINDS, f"{c.case}: expect must be one of {KINDS}"
        assert (c.file is None) != (c.generator is None), f"{c.case}: one of file or generator"
    return cases


def drop(case: Case, landing: Path) -> None:
    target = landing / case.landed_name
    if case.generator:
        GENERATORS[case.generator](target)
    else:
        shutil.copyfile(CORPUS_DIR / case.file, target)


@dataclass
class Observed:
    """What one ingestion made of the corpus: the audit, rejected rows, silver rows per entity, the folders."""

    audit: list[dict]
    rejected_rows: list[dict]
    silver: dict[str, list[dict]]
    bronze_rows: dict[str, int]  # sha256 -> rows in bronze
    landing: list[str]
    archived: list[str]  # stored names under archive/<date>/
    rejected_files: dict[str, str]  # stored name -> its reason text

    def audit_rows(self, name: str) -> list[dict]:
        return [a for a in self.audit if a["file"] == display_name(name)]

    def outcome(self, case: Case) -> str:
        """The case's outcome kind, as the warehouse and the folders show it."""
        rows = self.audit_rows(case.landed_name)
        if not rows:
            return "left_in_landing" if case.landed_name in self.landing else "missing"
        [row] = rows
        if row["status"] == "loaded":
            return "loaded_with_rejections" if row["rows_rejected"] else "loaded"
        return {"rejected": "file_rejected", "duplicate_file": "duplicate_file"}.get(row["status"], row["status"])

    def stored_rejected(self, name: str) -> list[str]:
        """Files in rejected/ stored for this landed name: `<stamp>_<safe name>`, and, since safe names of
        different files can be alike ('pos sales.csv', 'pos_sales.csv'), a reason that starts with its name."""
        return [n for n, reason in self.rejected_files.items()
                if n.split("_", 1)[1] == safe_name(name) and reason.startswith(repr(display_name(name)))]


def observe(db: Path, root: Path) -> Observed:
    with duckdb.connect(str(db), read_only=True) as conn:
        def rows(sql: str) -> list[dict]:
            cursor = conn.execute(sql)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]

        tables = {r["t"] for r in rows("select table_schema || '.' || table_name t from information_schema.tables")}
        silver = {e: rows(f"select * from silver.{e}") for e in ENTITIES if f"silver.{e}" in tables}
        bronze_rows: dict[str, int] = {}
        for e in ENTITIES:
            if f"bronze.{e}" in tables:
                for r in rows(f"select _file_sha256 sha, count(*) n from bronze.{e} group by 1"):
                    bronze_rows[r["sha"]] = bronze_rows.get(r["sha"], 0) + r["n"]
        audit = rows("select * from audit.file_loads")
        rejected_rows = rows("select * from silver.rejected_rows") if "silver.rejected_rows" in tables else []
    rejected_dir = root / "rejected"
    rejected_files = {p.name: (rejected_dir / f"{p.name}.reason.txt").read_text(encoding="utf-8")
                      if (rejected_dir / f"{p.name}.reason.txt").exists() else ""
                      for p in (rejected_dir.iterdir() if rejected_dir.exists() else [])
                      if not p.name.endswith(".reason.txt")}
    return Observed(
        audit=audit, rejected_rows=rejected_rows, silver=silver, bronze_rows=bronze_rows,
        landing=sorted(p.name for p in (root / "landing").iterdir()),
        archived=sorted(p.name for p in (root / "archive").glob("*/*")),
        rejected_files=rejected_files,
    )
