"""Materialization metadata an on-call person can act on: counts, schema, a preview."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
from dagster import MetadataValue, TableColumn, TableSchema


def column_schema(schema: pa.Schema) -> TableSchema:
    return TableSchema(columns=[TableColumn(name=f.name, type=str(f.type)) for f in schema])


def preview(frame: pd.DataFrame, rows: int = 5) -> MetadataValue:
    """A small markdown table; long values cut so the UI stays readable."""
    if frame.empty:
        return MetadataValue.md("_no rows_")
    head = frame.head(rows).astype(str).apply(lambda col: col.str.slice(0, 40))
    return MetadataValue.md(head.to_markdown(index=False))
