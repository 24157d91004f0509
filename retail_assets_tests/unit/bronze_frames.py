"""Tiny hand-made bronze frames for the cleaning tests (shared by test_rules and test_dedup_upsert)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from retail_assets.entities import BRONZE_META, ENTITIES

# A valid synthetic POS line; tests override single fields.
POS_LINE = dict(
    transaction_id="T1",
    line_number="1",
    sold_at="2026-11-01 10:00:00",
    store_id="S01",
    customer_id="C001",
    employee_id="E01",
    product_id="P001",
    quantity="2",
    unit_price="3.50",
    discount="0",
    payment_method="card",
    channel="store",
)

# A valid UCI Online Retail line, as read from `2010-12-01.csv` (no line number; constants fill the rest).
ONLINE_LINE = dict(
    transaction_id="536365",
    product_id="85123A",
    product_name="WHITE HANGING HEART T-LIGHT HOLDER",
    quantity="6",
    sold_at="2010-12-01 08:26:00",
    unit_price="2.55",
    customer_id="17850.0",
    country="United Kingdom",
)


def bronze(
    entity: str,
    profile: str,
    rows: list[dict],
    *,
    file: str = "file.csv",
    sha: str | None = None,
    partition: str = "2026-11-01",
    ingested_at: str = "2026-11-02 01:00:00",
) -> pd.DataFrame:
    """Bronze rows of one file: canonical columns as strings (absent -> None) plus the lineage columns."""
    columns = ENTITIES[entity].column_names
    unknown = {k for r in rows for k in r} - set(columns)
    assert not unknown, f"test bug: {unknown} are not columns of {entity}"
    records = []
    for number, row in enumerate(rows, start=1):
        record = {c: row.get(c) for c in columns}
        record.update(
            _source_file=file,
            _file_sha256=sha or f"sha-{file}",
            _profile=profile,
            _row_number=number,
            _partition_date=date.fromisoformat(partition),
            _ingested_at=pd.Timestamp(ingested_at),
        )
        records.append(record)
    return pd.DataFrame(records, columns=columns + BRONZE_META)


def pos(rows: list[dict], **kwargs) -> pd.DataFrame:
    return bronze("sales_lines", "synthetic_pos_sales", [{**POS_LINE, **r} for r in rows], **kwargs)


def online(rows: list[dict], **kwargs) -> pd.DataFrame:
    kwargs.setdefault("file", "2010-12-01.csv")
    kwargs.setdefault("partition", "2010-12-01")
    return bronze("sales_lines", "online_retail", [{**ONLINE_LINE, **r} for r in rows], **kwargs)


def assert_accounting_identity(result) -> None:
    """Every bronze row ends in exactly one of loaded, rejected, duplicate, per file."""
    acc = result.accounting
    assert len(acc) > 0
    for r in acc.itertuples(index=False):
        assert r.rows_read == r.rows_loaded + r.rows_rejected + r.rows_duplicate, r
        assert min(r.rows_loaded, r.rows_rejected, r.rows_duplicate) >= 0, r
    assert acc["rows_loaded"].sum() == len(result.clean)
    assert acc["rows_rejected"].sum() == len(result.rejected)


def accounting_of(result, file: str) -> dict:
    rows = result.accounting[result.accounting["source_file"] == file]
    assert len(rows) == 1, result.accounting
    return rows.iloc[0][["rows_read", "rows_loaded", "rows_rejected", "rows_duplicate"]].astype(int).to_dict()
