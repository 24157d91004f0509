"""Materialization metadata an on-call person can act on: counts, schema, a preview.

Values from landing files (cells, header names, file names) reach Markdown metadata that the
Dagster UI renders: `md_cell` keeps each one plain text (no image the browser would fetch, no
link, no broken table) and short (a multi-MB cell would otherwise sit in every event-log read).
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
from dagster import MetadataValue, TableColumn, TableSchema

MAX_CELL_CHARS = 120
# A rejection reason in JSON metadata: room for the file's column names a missing-columns reason lists.
MAX_REASON_CHARS = 600
# CommonMark treats a backslash before ASCII punctuation as the literal character. These start
# images/links (! [ ] ( )), raw HTML and entities (< > &), code, emphasis and strikethrough
# (` * _ ~), table cells (|), headings (#), and GFM's bare URL/e-mail autolinks (: @).
_MD_SPECIAL = re.compile(r"([\\`*_~\[\]()!<>|&#:@{}])")
_WWW_DOT = re.compile(r"(?i)(?<=www)\.")  # "www.x" is an autolink too; other dots stay readable
# Newlines would end a table row or a list item; other control characters (terminal escapes) too.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def plain_text(value, limit: int = MAX_CELL_CHARS) -> str:
    """`value` as text on one line, cut to `limit` characters (plus an ellipsis): for JSON or text metadata,
    which the UI shows as they are (no Markdown to neutralise, but a size and control characters to bound)."""
    text = "" if value is None else str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return _CONTROL.sub(" ", text)


def md_cell(value, limit: int = MAX_CELL_CHARS) -> str:
    """`value` as inert Markdown text on one line, cut to `limit` characters (plus an ellipsis)."""
    text = plain_text(value, limit)  # cut before escaping, so a cut never splits an escape
    return _WWW_DOT.sub(r"\\.", _MD_SPECIAL.sub(r"\\\1", text))


def md_table(frame: pd.DataFrame, limit: int = MAX_CELL_CHARS) -> str:
    """A Markdown pipe table of the frame; every cell through md_cell. Headers are column names the
    code chose, escaped only where they could break the table."""
    header = [str(c).replace("|", "\\|") for c in frame.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(md_cell(v, limit) for v in row) + " |")
    return "\n".join(lines)


def column_schema(schema: pa.Schema) -> TableSchema:
    return TableSchema(columns=[TableColumn(name=f.name, type=str(f.type)) for f in schema])


def preview(frame: pd.DataFrame, rows: int = 5) -> MetadataValue:
    """A small markdown table; long values cut so the UI stays readable."""
    if frame.empty:
        return MetadataValue.md("_no rows_")
    return MetadataValue.md(md_table(frame.head(rows), limit=40))
