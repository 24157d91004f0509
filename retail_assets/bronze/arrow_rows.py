"""A landing file's bronze rows as an Arrow table: the hot path of a drop.

CSV, the format of nearly every export, is parsed by pyarrow straight into string columns
(no pandas objects per cell: a year of 305 daily files went from ~4.3 s to well under 1 s).
What pyarrow cannot read the way readers.py does (duplicate or blank header names, ragged
rows, any parser error) goes through readers.py, so what is accepted, what is rejected and
every rejection message stay exactly those of the pandas reader. Other formats use it too.
This is the whole-file reader: CSV and NDJSON are streamed (streamed_rows.py), and come here
only where the stream cannot judge a file alike; JSON arrays and XLSX always do.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from retail_assets.bronze.readers import FileRejected, decode_text, read_source, to_bronze_columns
from retail_assets.entities import ENTITIES
from retail_assets.landing.limits import cell_problem, rows_problem
from retail_assets.landing.profiles import SourceProfile
from retail_assets.landing.streams import Utf8Stream
from retail_assets.warehouse.table_schemas import bronze_schema


def bronze_table(content: bytes, profile: SourceProfile, file: str, sha256: str, partition: str,
                 ingested_at: datetime) -> pa.Table:
    """A file's rows with canonical column names, original strings and lineage columns, typed as bronze."""
    return with_lineage(canonical_rows(content, profile), profile, file, sha256, partition, ingested_at)


def canonical_rows(content: bytes, profile: SourceProfile) -> pa.Table:
    """The entity's columns (strings, as they arrived) of a whole file; FileRejected if it cannot load."""
    rows = _canonical_from_csv(content, profile) if profile.format == "csv" else None
    if rows is None:
        rows = _canonical_from_pandas(content, profile)
    if problem := rows_problem(rows.num_rows, profile.limits) or cells_problem(rows, profile):
        raise FileRejected(problem)
    return rows


def with_lineage(rows: pa.Table | pa.RecordBatch, profile: SourceProfile, file: str, sha256: str, partition: str,
                 ingested_at: datetime, first_row: int = 1) -> pa.Table:
    """Canonical rows plus the lineage columns, in bronze's column order and types; `first_row` is the file's
    line number of the first of these rows (a streamed file comes in batches)."""
    n = rows.num_rows
    lineage = {
        "_source_file": pa.repeat(pa.scalar(file, pa.string()), n),
        "_file_sha256": pa.repeat(pa.scalar(sha256, pa.string()), n),
        "_profile": pa.repeat(pa.scalar(profile.name, pa.string()), n),
        "_row_number": pa.array(range(first_row, first_row + n), pa.int64()),
        "_partition_date": pa.repeat(pa.scalar(date.fromisoformat(partition), pa.date32()), n),
        "_ingested_at": pa.repeat(pa.scalar(ingested_at, pa.timestamp("us")), n),
    }
    schema = bronze_schema(ENTITIES[profile.entity])
    return pa.table([rows.column(f.name) if f.name in rows.column_names else lineage[f.name] for f in schema],
                    schema=schema)


def cells_problem(rows: pa.Table | pa.RecordBatch, profile: SourceProfile) -> str | None:
    """Why a value is too long, if one is (the first canonical column over the limit, its longest value):
    one multi-MB cell would otherwise travel through silver, rejected rows and the UI's metadata."""
    for name in rows.column_names:
        longest = pc.max(pc.utf8_length(rows.column(name))).as_py() or 0
        if problem := cell_problem(longest, profile.columns.get(name, name), profile.limits):
            return problem
    return None


def canonical(source: pa.Table | pa.RecordBatch, profile: SourceProfile) -> pa.Table | pa.RecordBatch:
    """The entity's columns from a source table or batch whose columns include the profile's (absent ones null)."""
    n = source.num_rows
    names = ENTITIES[profile.entity].column_names
    columns = [source.column(profile.columns[name]) if profile.columns.get(name) else pa.nulls(n, pa.string())
               for name in names]
    return type(source).from_arrays(columns, names=names)


def _canonical_from_csv(content: bytes, profile: SourceProfile) -> pa.Table | None:
    """The entity's columns from a CSV read by pyarrow, or None where the pandas reader must decide."""
    source = _csv_strings(content, profile)
    if source is None or any(c not in source.column_names for c in profile.source_columns):
        return None  # missing columns: the pandas path words the rejection (it names the file's columns)
    return canonical(source, profile)


def _canonical_from_pandas(content: bytes, profile: SourceProfile) -> pa.Table:
    """The entity's columns through readers.py (raises FileRejected with its reasons)."""
    rows = to_bronze_columns(read_source(content, profile), profile)
    names = ENTITIES[profile.entity].column_names
    try:
        return pa.Table.from_pandas(rows, schema=pa.schema([(c, pa.string()) for c in names]), preserve_index=False)
    except UnicodeEncodeError as exc:  # JSON's "\ud800": raised, it would fail the whole window, not this file
        raise FileRejected(f"unreadable as {profile.format}: a value holds the unpaired surrogate "
                           f"\\u{ord(exc.object[exc.start]):04x}, which is not text") from None


def _csv_strings(content: bytes, profile: SourceProfile) -> pa.Table | None:
    """Every column as strings exactly as they arrived ('' stays '', 'NA' stays 'NA'), or None
    where the pandas reader must decide (it also words every rejection)."""
    try:
        text = decode_text(content, profile)  # without its BOM: it must not stick to the first name
    except (UnicodeDecodeError, FileRejected):
        return None  # the pandas path words the rejection
    if not text.strip():
        return None
    try:
        header = next(csv.reader(io.StringIO(text), delimiter=profile.delimiter), [])
    except csv.Error:  # old-Mac \r line ends, a name over csv's 131,072-character field limit
        return None  # raised, it would fail the whole window instead of this one file
    if not csv_header_ok(header):
        return None
    try:
        return pacsv.read_csv(Utf8Stream([text]), **csv_options(profile, header))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # ragged rows and the like: pandas rejects them with the line number


def csv_header_ok(header: list[str]) -> bool:
    """False for names pandas would rename ('Unnamed: 0', 'X.1'): blank or duplicate; the pandas path reads those."""
    return bool(header) and "" not in header and len(set(header)) == len(header)


# pyarrow's default: the unit it parses in, and reads ahead in when streamed (up to 32 blocks, on its own thread).
CSV_BLOCK_BYTES = 1 << 20


def csv_options(profile: SourceProfile, header: list[str]) -> dict:
    """pyarrow's CSV options that read like the pandas reader: every column a string, nothing null."""
    return dict(
        read_options=pacsv.ReadOptions(block_size=CSV_BLOCK_BYTES),
        parse_options=pacsv.ParseOptions(delimiter=profile.delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header},
            strings_can_be_null=False, quoted_strings_can_be_null=False),
    )


__all__ = ["FileRejected", "bronze_table", "canonical_rows", "with_lineage"]
