"""Arrow schemas of the tables the pipeline writes, derived from the canonical entities.

Writing through an explicit Arrow schema means a batch whose column happens to
be all-null (no employee ids in the web shop export) still creates VARCHAR,
not a NULL-typed column that breaks the next load.
"""

from __future__ import annotations

import pyarrow as pa

from retail_assets.entities import BRONZE_META, ENTITIES, Entity

_ARROW = {
    "string": pa.string(),
    "int": pa.int64(),
    "decimal": pa.float64(),
    "discount": pa.float64(),
    "timestamp": pa.timestamp("us"),
    "date": pa.date32(),
}
_DERIVED = {
    "sale_date": pa.date32(),
    "revenue": pa.float64(),
    "is_cancellation": pa.bool_(),
    "is_guest": pa.bool_(),
    "line_type": pa.string(),
}
_LINEAGE = [
    ("partition_date", pa.date32()),
    ("source_file", pa.string()),
    ("file_sha256", pa.string()),
    ("source_row_number", pa.int64()),
]


def silver_schema(entity: Entity) -> pa.Schema:
    fields = [(c.name, _ARROW[c.type]) for c in entity.columns]
    fields += [(name, _DERIVED[name]) for name in entity.derived]
    return pa.schema(fields + _LINEAGE)


def bronze_schema(entity: Entity) -> pa.Schema:
    fields = [(c, pa.string()) for c in entity.column_names]
    meta = {
        "_source_file": pa.string(),
        "_file_sha256": pa.string(),
        "_profile": pa.string(),
        "_row_number": pa.int64(),
        "_partition_date": pa.date32(),
        "_ingested_at": pa.timestamp("us"),
    }
    return pa.schema(fields + [(m, meta[m]) for m in BRONZE_META])


REJECTED_ROWS_SCHEMA = pa.schema(
    [
        ("entity", pa.string()),
        ("partition_date", pa.date32()),
        ("source_file", pa.string()),
        ("file_sha256", pa.string()),
        ("row_number", pa.int64()),
        ("raw_record", pa.string()),
        ("dq_errors", pa.string()),
        ("rejected_at", pa.timestamp("us")),
    ]
)


def schema_for(schema_name: str, table: str) -> pa.Schema | None:
    """The declared schema of `schema_name.table`, or None if it is not one of ours."""
    entity = ENTITIES.get(table)
    if schema_name == "silver" and entity:
        return silver_schema(entity)
    if schema_name == "bronze" and entity:
        return bronze_schema(entity)
    if (schema_name, table) == ("silver", "rejected_rows"):
        return REJECTED_ROWS_SCHEMA
    return None


def to_arrow(frame, schema: pa.Schema) -> pa.Table:
    """Pandas -> Arrow with the declared types; extra frame columns are an error, not dropped."""
    extra = set(frame.columns) - set(schema.names)
    if extra:
        raise ValueError(f"columns {sorted(extra)} are not in the declared table schema")
    frame = frame.reindex(columns=schema.names)
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False, safe=True)
