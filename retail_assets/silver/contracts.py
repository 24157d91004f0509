"""Pandera contracts of the silver tables, checked inside the warehouse (pandera's Ibis backend).

The contracts are generated from the entity registry (`retail_assets.entities`):
column names and order, types, required -> not nullable, business key ->
model-level uniqueness. On top come the value checks silver has always
promised. Columns are
strict: an unexpected column fails.

`validate_window` checks the rows of `silver.<entity>` of one partition window
where they are stored: every check is an aggregate query; the table is never
fetched (a failing check brings back its count and a few example values).

Traps of the Ibis backend (pandera 0.35), each pinned by a test:
- `Column(unique=True)` / `Field(unique=True)` is silently ignored: the column
  backend never runs a uniqueness check. Business keys are therefore unique
  at table level (`DataFrameSchema(unique=[...])`), the only form that fires.
- On an empty table every data check fails (`bool_and` of no rows is NULL,
  which pandera reads as "not passed"). An empty window is therefore checked
  at schema depth only (columns and types).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pandera.ibis as pa
from pandera.config import ValidationDepth, config_context
from pandera.constants import CHECK_OUTPUT_KEY
from pandera.errors import SchemaError, SchemaErrors

from retail_assets.entities import ENTITIES, Entity
from retail_assets.metadata import md_cell

EXAMPLES = 5  # example values kept per failing check

# Ibis types of the registry's column types, as DuckDB holds the Arrow types that
# warehouse.table_schemas declares (Arrow timestamp("us") is DuckDB TIMESTAMP = timestamp(6)).
IBIS_TYPES: dict[str, dt.DataType] = {
    "string": dt.String(),
    "int": dt.Int64(),
    "decimal": dt.Float64(),
    "discount": dt.Float64(),
    "timestamp": dt.Timestamp(scale=6),
    "date": dt.Date(),
    "bool": dt.Boolean(),  # derived flags only: not a registry type
}

# The registry names the derived columns but not their types; the lineage columns it
# does not name at all. Both are declared here, in the registry's type vocabulary, and
# are never null in silver.
DERIVED_TYPES: dict[str, str] = {
    "sale_date": "date",
    "revenue": "decimal",
    "is_cancellation": "bool",
    "is_guest": "bool",
    "line_type": "string",
}
LINEAGE_TYPES: dict[str, str] = {
    "partition_date": "date",
    "source_file": "string",
    "file_sha256": "string",
    "source_row_number": "int",
}

# Optional on arrival but never null in silver: cleaning fills a missing discount with 0.
NOT_NULL_IN_SILVER: dict[str, frozenset[str]] = {"sales_lines": frozenset({"discount"})}


def _ge(value):
    return pa.Check.ge(value, n_failure_cases=EXAMPLES)


def _lt(value):
    return pa.Check.lt(value, n_failure_cases=EXAMPLES)


def _ne(value):
    return pa.Check.ne(value, n_failure_cases=EXAMPLES)


def _isin(values):
    return pa.Check.isin(values, n_failure_cases=EXAMPLES)


def _non_empty():
    return pa.Check.str_length(min_value=1, n_failure_cases=EXAMPLES)


def _lineage_checks() -> dict[str, list]:
    return {"file_sha256": [_non_empty()], "source_row_number": [_ge(1)]}


def _column_checks(entity_name: str) -> dict[str, list]:
    """Value checks per column."""
    return {
        "sales_lines": {
            "line_number": [_ge(1)],
            "quantity": [_ne(0)],
            "unit_price": [_ge(0)],
            "discount": [_ge(0), _lt(1)],
            "line_type": [_isin(["product", "non_product"])],
        },
        "customers": {},
        "products": {"unit_cost": [_ge(0)], "list_price": [_ge(0)]},
        "stores": {},
        "employees": {"hourly_rate": [_ge(0)]},
        "shifts": {},
        "inventory": {"on_hand": [_ge(0)], "reorder_point": [_ge(0)]},
    }[entity_name]


def _cancellations_are_negative(data: pa.IbisData) -> ir.BooleanColumn:
    t = data.table
    return (t.quantity < 0) == t.is_cancellation


def _ends_after_start(data: pa.IbisData) -> ir.BooleanColumn:
    t = data.table
    return t.shift_end > t.shift_start


# Row checks over several columns: (check, columns shown as examples when it fails).
_TABLE_CHECKS: dict[str, list[tuple[Any, tuple[str, ...]]]] = {
    "sales_lines": [
        (_cancellations_are_negative,
         ("transaction_id", "line_number", "quantity", "is_cancellation", "source_file", "source_row_number")),
    ],
    "shifts": [(_ends_after_start, ("shift_id", "shift_start", "shift_end", "source_file", "source_row_number"))],
}


def silver_column_types(entity: Entity) -> list[tuple[str, str]]:
    """(name, registry type) of every silver column, in table order: entity, derived, lineage."""
    out = [(c.name, c.type) for c in entity.columns]
    out += [(name, DERIVED_TYPES[name]) for name in entity.derived]
    return out + list(LINEAGE_TYPES.items())


def build_contract(entity: Entity) -> pa.DataFrameSchema:
    """The pandera (Ibis) schema of silver.<entity>."""
    required = {c.name for c in entity.columns if c.required} | NOT_NULL_IN_SILVER.get(entity.name, frozenset())
    optional = {c.name for c in entity.columns} - required
    checks = {**_column_checks(entity.name), **_lineage_checks()}
    names = [name for name, _ in silver_column_types(entity)]
    unknown = set(checks) - set(names)
    if unknown:
        raise ValueError(f"checks declared for columns {sorted(unknown)} that silver.{entity.name} does not have")
    columns = {
        name: pa.Column(
            IBIS_TYPES[type_],
            checks=checks.get(name, []),
            nullable=name in optional,
            name=name,
        )
        for name, type_ in silver_column_types(entity)
    }
    table_checks = [
        pa.Check(fn, name=fn.__name__.lstrip("_"), n_failure_cases=EXAMPLES)
        for fn, _ in _TABLE_CHECKS.get(entity.name, [])
    ]
    return pa.DataFrameSchema(
        columns,
        checks=table_checks,
        # Table-level: the Ibis backend ignores column-level unique=True.
        unique=list(entity.business_key),
        strict=True,
        name=f"silver.{entity.name}",
        description=entity.description,
    )


CONTRACTS: dict[str, pa.DataFrameSchema] = {name: build_contract(e) for name, e in ENTITIES.items()}
_EXAMPLE_COLUMNS = {
    fn.__name__.lstrip("_"): columns for checks in _TABLE_CHECKS.values() for fn, columns in checks
}


@dataclass
class ContractResult:
    passed: bool
    rows_checked: int
    failures: list[dict] = field(default_factory=list)
    entity: str = ""
    start: date | None = None
    end: date | None = None

    def markdown(self) -> str:
        """For Dagster metadata (MetadataValue.md)."""
        window = f" {self.start} .. {self.end}" if self.start else ""
        status = "passed" if self.passed else f"FAILED ({len(self.failures)} checks)"
        lines = [f"**silver.{self.entity}**{window}: **{status}**, {self.rows_checked:,} rows checked"]
        if self.failures:
            lines += ["", "| check | column | failing | examples |", "|---|---|---|---|"]
            for f in self.failures:
                examples = ", ".join(md_cell(json.dumps(e, default=str)) for e in f["examples"])
                # check and column names come from the contract's code (escaped only where they could break
                # the table, as md_table does with headers); the examples are data, hence md_cell
                check, column = (str(x).replace("|", "\\|") for x in (f["check"], f["column"] or ""))
                lines.append(f"| {check} | {column} | {f['failure_count']:,} | {examples} |")
        return "\n".join(lines)


def validate_window(con: ibis.BaseBackend, entity_name: str, start: date, end: date) -> ContractResult:
    """Validate the rows of silver.<entity> with start <= partition_date < end, in the database.

    Lazy: every check runs and every failure is collected. A passing check fetches one
    boolean; a failing one its count and at most EXAMPLES example values (plus, inside
    pandera, the check's one boolean result column, to index the examples).
    """
    schema = CONTRACTS[entity_name]
    table = con.table(entity_name, database="silver")
    window = table.filter((table.partition_date >= start) & (table.partition_date < end))
    rows = int(window.count().execute())
    # Data checks on zero rows report NULL, which pandera counts as a failure.
    depth = ValidationDepth.SCHEMA_AND_DATA if rows else ValidationDepth.SCHEMA_ONLY
    errors: list[SchemaError] = []
    with config_context(validation_enabled=True, validation_depth=depth):
        try:
            schema.validate(window, lazy=True)
        except SchemaErrors as exc:
            errors = list(exc.schema_errors)
    failures = [_failure(err, schema) for err in errors]
    return ContractResult(passed=not failures, rows_checked=rows, failures=failures,
                          entity=entity_name, start=start, end=end)


def _failure(err: SchemaError, schema: pa.DataFrameSchema) -> dict:
    check = err.check if isinstance(err.check, str) or err.check is None else (err.check.error or err.check.name)
    reason = err.reason_code.name if err.reason_code is not None else None
    cases = err.failure_cases
    column = err.schema.name if isinstance(err.schema, pa.Column) else None
    examples: list = []
    if reason == "DUPLICATES":
        keys = [k for k in schema.unique if k in cases.columns]
        column = ", ".join(keys)
        count = int(cases.count().execute())
        examples = cases.select(*keys).distinct().order_by(*keys).limit(EXAMPLES).to_pyarrow().to_pylist()
    elif isinstance(cases, ibis.Table):  # not_nullable: the null rows themselves
        count = int(cases.count().execute())
    elif isinstance(cases, pd.DataFrame):  # value checks: pandera fetched at most EXAMPLES cases
        examples = [_example(v, check) for v in cases["failure_case"].tolist()]
        count = _failing_rows(err.check_output, fallback=len(cases))
    else:  # schema-level failures name a column or a type; a crashed check gives its error text
        count = 1
        if reason in ("COLUMN_NOT_IN_SCHEMA", "COLUMN_NOT_IN_DATAFRAME"):
            column = str(cases)
        else:
            examples = [str(cases)]
    return {"check": str(check), "column": column, "reason": reason, "failure_count": count, "examples": examples}


def _failing_rows(check_output, fallback: int) -> int:
    """Rows a failed check rejected, counted in the database (null counts as pass, as in pandera)."""
    if isinstance(check_output, ibis.Table) and CHECK_OUTPUT_KEY in check_output.columns:
        passed = check_output[CHECK_OUTPUT_KEY]
        return int(check_output.filter(~passed).count().execute())
    if isinstance(check_output, ir.BooleanColumn):
        return int((~check_output).cast("int64").sum().fill_null(0).execute())
    return fallback


def _example(value, check: str):
    if isinstance(value, dict):
        columns = _EXAMPLE_COLUMNS.get(check)
        if len(value) == 1:
            return _plain(next(iter(value.values())))
        return {k: _plain(v) for k, v in value.items() if columns is None or k in columns}
    return _plain(value)


def _plain(value):
    """JSON-friendly python value (numpy scalars, pandas timestamps, NaN)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


