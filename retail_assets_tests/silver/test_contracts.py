"""Silver contracts run inside DuckDB (pandera's Ibis backend): every check fires, one schema source."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pandera.ibis as pdi
import pyarrow as pa
import pytest
import yaml

from retail_assets.entities import ENTITIES
from retail_assets.silver.columns import silver_columns
from retail_assets.silver.contracts import (
    CONTRACTS,
    DERIVED_TYPES,
    EXAMPLES,
    IBIS_TYPES,
    LINEAGE_TYPES,
    NOT_NULL_IN_SILVER,
    ContractResult,
    validate_window,
)
from retail_assets.warehouse.table_schemas import silver_schema

DAY = date(2024, 3, 5)
NEXT = DAY + timedelta(days=1)
LINEAGE = ["partition_date", "source_file", "file_sha256", "source_row_number"]
SOURCES_YML = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "staging" / "_silver__sources.yml"

_GENERIC = {
    "string": lambda name, i: f"{name}-{i}",
    "int": lambda name, i: i,
    "decimal": lambda name, i: 2.5,
    "discount": lambda name, i: 0.1,
    "timestamp": lambda name, i: datetime(2024, 3, 5, 9, 0) + timedelta(minutes=i),
    "date": lambda name, i: DAY - timedelta(days=i),
}


def valid_row(entity_name: str, i: int = 1, **overrides) -> dict:
    """A row that meets the contract; i makes the business key distinct. Optional columns left null."""
    entity = ENTITIES[entity_name]
    row = {c.name: (_GENERIC[c.type](c.name, i) if c.required else None) for c in entity.columns}
    if entity_name == "sales_lines":
        row.update(unit_price=3.0, discount=0.0, quantity=2, customer_id="C-1", channel="store")
        row.update(sale_date=DAY, revenue=6.0, is_cancellation=False, is_guest=False, line_type="product")
    if entity_name == "shifts":
        row["shift_end"] = row["shift_start"] + timedelta(hours=8)
    if entity_name == "products":
        row.update(unit_cost=1.0, list_price=2.0)
    row.update(partition_date=DAY, source_file=f"{entity_name}_2024-03-05.csv", file_sha256="a" * 64,
               source_row_number=i)
    row.update(overrides)
    return row


@pytest.fixture
def db(tmp_path) -> Path:
    """A warehouse file with every silver table, created as the warehouse does (from table_schemas)."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA silver")
        for name, entity in ENTITIES.items():
            empty = silver_schema(entity).empty_table()  # noqa: F841 (scanned by DuckDB)
            conn.execute(f"CREATE TABLE silver.{name} AS SELECT * FROM empty")
    return path


def write(db: Path, entity_name: str, rows: list[dict], sql: str | None = None) -> None:
    batch = pa.Table.from_pylist(rows, schema=silver_schema(ENTITIES[entity_name]))  # noqa: F841
    with duckdb.connect(str(db)) as conn:
        conn.execute(f"INSERT INTO silver.{entity_name} SELECT * FROM batch")
        if sql:
            conn.execute(sql)


def check(db: Path, entity_name: str, start: date = DAY, end: date = NEXT) -> ContractResult:
    con = ibis.duckdb.connect(str(db), read_only=True)
    try:
        return validate_window(con, entity_name, start, end)
    finally:
        con.disconnect()


def failed(result: ContractResult) -> dict[tuple[str, str | None], dict]:
    assert not result.passed
    return {(f["check"], f["column"]): f for f in result.failures}


# --- a valid window passes --------------------------------------------------------------


@pytest.mark.parametrize("entity_name", list(ENTITIES))
def test_a_valid_window_passes_and_rows_outside_it_are_not_checked(db, entity_name):
    outside = valid_row(entity_name, 1, partition_date=DAY - timedelta(days=1))  # same key, other day
    write(db, entity_name, [valid_row(entity_name, i) for i in (1, 2, 3)] + [outside])
    result = check(db, entity_name)
    assert result.passed, result.markdown()
    assert result.rows_checked == 3 and result.failures == []
    assert "passed" in result.markdown() and "3 rows checked" in result.markdown()


def test_an_empty_window_passes_on_its_columns_alone(db):
    """Ibis data checks on zero rows yield NULL, which pandera counts as failed: the window is
    then checked at schema depth (columns, types) only."""
    write(db, "sales_lines", [valid_row("sales_lines", quantity=0)])  # bad, but on another day
    result = check(db, "sales_lines", NEXT, NEXT + timedelta(days=1))
    assert result.passed and result.rows_checked == 0, result.failures
    # ...and the columns are still checked on an empty window.
    write(db, "stores", [], sql="ALTER TABLE silver.stores ADD COLUMN surprise VARCHAR")
    result = check(db, "stores", NEXT, NEXT + timedelta(days=1))
    assert not result.passed and result.failures[0]["check"] == "column_in_schema"


def test_a_passing_window_fetches_no_rows(db, monkeypatch):
    """Every check is an aggregate query; no table or column is materialized in Python."""
    write(db, "sales_lines", [valid_row("sales_lines", i) for i in range(1, 50)])

    fetched = []

    def refuse(self, *args, **kwargs):
        fetched.append(type(self).__name__)
        raise AssertionError("a table or column was fetched out of the database")

    for cls in (ir.Table, ir.Column):
        for method in ("to_pandas", "to_pyarrow", "execute", "to_polars", "to_pyarrow_batches"):
            monkeypatch.setattr(cls, method, refuse)
    result = check(db, "sales_lines")
    # (pandera would turn a refused fetch inside a check into a CHECK_ERROR failure)
    assert fetched == [] and result.passed and result.rows_checked == 49, result.failures


# --- business key: model-level uniqueness (column-level unique is ignored by the Ibis backend) -------


@pytest.mark.parametrize("entity_name", list(ENTITIES))
def test_a_duplicated_business_key_fails(db, entity_name):
    entity = ENTITIES[entity_name]
    first = valid_row(entity_name, 1)
    again = valid_row(entity_name, 2, **{k: first[k] for k in entity.business_key})
    write(db, entity_name, [first, again, valid_row(entity_name, 3)])
    failures = failed(check(db, entity_name))
    [dup] = [f for f in failures.values() if f["check"] == "multiple_fields_uniqueness"]
    assert dup["column"] == ", ".join(entity.business_key)
    assert dup["failure_count"] == 2  # both rows of the duplicated key
    assert dup["examples"] == [{k: first[k] for k in entity.business_key}]


def test_column_level_unique_is_silently_ignored_by_the_ibis_backend(db):
    """The trap: this is why CONTRACTS declare business keys only at table level."""
    write(db, "stores", [valid_row("stores", 1), valid_row("stores", 1, source_row_number=2)])
    con = ibis.duckdb.connect(str(db), read_only=True)
    try:
        table = con.table("stores", database="silver")
        pdi.DataFrameSchema({"store_id": pdi.Column(dt.String, unique=True)}).validate(table, lazy=True)  # passes!
        with pytest.raises(pdi.errors.SchemaErrors):
            pdi.DataFrameSchema({"store_id": pdi.Column(dt.String)}, unique=["store_id"]).validate(table, lazy=True)
    finally:
        con.disconnect()
    assert not any(column.unique for schema in CONTRACTS.values() for column in schema.columns.values())
    assert all(schema.unique == list(ENTITIES[name].business_key) for name, schema in CONTRACTS.items())


# --- nullability --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entity_name, column",
    [
        ("sales_lines", "transaction_id"),
        ("sales_lines", "sold_at"),
        ("sales_lines", "quantity"),
        ("sales_lines", "discount"),  # optional on arrival, always filled in silver
        ("sales_lines", "revenue"),  # derived
        ("sales_lines", "source_file"),  # lineage
        ("customers", "updated_at"),
        ("stores", "country"),
        ("inventory", "on_hand"),
    ],
)
def test_a_null_in_a_required_column_fails(db, entity_name, column):
    write(db, entity_name, [valid_row(entity_name, 1), valid_row(entity_name, 2, **{column: None})])
    failures = failed(check(db, entity_name))
    assert failures[("not_nullable", column)]["failure_count"] == 1


def test_nulls_in_optional_columns_pass_and_nulls_in_every_required_column_are_all_reported(db):
    entity = ENTITIES["sales_lines"]
    optional = [c.name for c in entity.columns if not c.required and c.name not in NOT_NULL_IN_SILVER["sales_lines"]]
    write(db, "sales_lines", [valid_row("sales_lines", 1, **dict.fromkeys(optional))])
    assert check(db, "sales_lines").passed
    required = [c.name for c in entity.columns if c.required]
    write(db, "sales_lines", [valid_row("sales_lines", 2, **dict.fromkeys(required))])
    failures = failed(check(db, "sales_lines"))
    assert {c for (name, c) in failures if name == "not_nullable"} == set(required)


# --- value checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entity_name, overrides, check_name, column, example",
    [
        ("sales_lines", {"quantity": 0}, "not_equal_to(0)", "quantity", 0),
        ("sales_lines", {"discount": 1.0}, "less_than(1)", "discount", 1.0),
        ("sales_lines", {"discount": -0.1}, "greater_than_or_equal_to(0)", "discount", -0.1),
        ("sales_lines", {"unit_price": -1.0}, "greater_than_or_equal_to(0)", "unit_price", -1.0),
        ("sales_lines", {"line_number": 0}, "greater_than_or_equal_to(1)", "line_number", 0),
        ("sales_lines", {"line_type": "voucher"}, "isin(['product', 'non_product'])", "line_type", "voucher"),
        ("sales_lines", {"file_sha256": ""}, "str_length(1, None)", "file_sha256", ""),
        ("sales_lines", {"source_row_number": 0}, "greater_than_or_equal_to(1)", "source_row_number", 0),
        ("products", {"unit_cost": -0.5}, "greater_than_or_equal_to(0)", "unit_cost", -0.5),
        ("products", {"list_price": -0.5}, "greater_than_or_equal_to(0)", "list_price", -0.5),
        ("employees", {"hourly_rate": -1.0}, "greater_than_or_equal_to(0)", "hourly_rate", -1.0),
        ("inventory", {"on_hand": -1}, "greater_than_or_equal_to(0)", "on_hand", -1),
        ("inventory", {"reorder_point": -1}, "greater_than_or_equal_to(0)", "reorder_point", -1),
        ("customers", {"file_sha256": ""}, "str_length(1, None)", "file_sha256", ""),
    ],
)
def test_a_value_check_fails_with_the_check_named(db, entity_name, overrides, check_name, column, example):
    write(db, entity_name, [valid_row(entity_name, 1), valid_row(entity_name, 2, **overrides)])
    result = check(db, entity_name)
    failures = failed(result)
    assert list(failures) == [(check_name, column)], result.markdown()
    assert failures[(check_name, column)]["failure_count"] == 1
    assert failures[(check_name, column)]["examples"] == [example]
    assert check_name in result.markdown()


def test_a_sale_with_negative_quantity_that_is_not_a_cancellation_fails(db):
    write(db, "sales_lines", [
        valid_row("sales_lines", 1),
        valid_row("sales_lines", 2, quantity=-1),  # negative, flagged as a sale
        valid_row("sales_lines", 3, quantity=-1, is_cancellation=True),  # fine
    ])
    failures = failed(check(db, "sales_lines"))
    rule = failures[("cancellations_are_negative", None)]
    assert rule["failure_count"] == 1
    assert rule["examples"][0]["line_number"] == 2 and rule["examples"][0]["quantity"] == -1


def test_a_shift_that_ends_before_it_starts_fails(db):
    start = datetime(2024, 3, 5, 9)
    write(db, "shifts", [valid_row("shifts", 1), valid_row("shifts", 2, shift_start=start, shift_end=start)])
    failures = failed(check(db, "shifts"))
    assert failures[("ends_after_start", None)]["failure_count"] == 1


def test_failure_count_is_counted_in_the_database_and_examples_are_capped(db):
    write(db, "sales_lines", [valid_row("sales_lines", i, quantity=0) for i in range(1, 13)]
          + [valid_row("sales_lines", 13)])
    rule = failed(check(db, "sales_lines"))[("not_equal_to(0)", "quantity")]
    assert rule["failure_count"] == 12 and rule["examples"] == [0] * EXAMPLES


def test_all_failures_are_collected_in_one_run(db):
    write(db, "sales_lines", [
        valid_row("sales_lines", 1),
        valid_row("sales_lines", 1, source_row_number=2),  # duplicate key
        valid_row("sales_lines", 3, quantity=0, discount=1.0, line_type="x", store_id=None),
    ])
    result = check(db, "sales_lines")
    assert set(failed(result)) == {
        ("multiple_fields_uniqueness", "transaction_id, line_number"),
        ("not_equal_to(0)", "quantity"),
        ("less_than(1)", "discount"),
        ("isin(['product', 'non_product'])", "line_type"),
        ("not_nullable", "store_id"),
    }
    md = result.markdown()
    assert "FAILED (5 checks)" in md and md.count("\n| ") == 6  # header + one line per failure


# --- columns and types (strict) -----------------------------------------------------------


def test_an_extra_column_fails(db):
    write(db, "sales_lines", [valid_row("sales_lines")],
          sql="ALTER TABLE silver.sales_lines ADD COLUMN unexpected_column VARCHAR")
    failures = failed(check(db, "sales_lines"))
    assert failures[("column_in_schema", "unexpected_column")]["failure_count"] == 1


def test_a_missing_column_fails(db):
    write(db, "customers", [valid_row("customers")], sql="ALTER TABLE silver.customers DROP COLUMN email")
    failures = failed(check(db, "customers"))
    assert ("column_in_dataframe", "email") in failures


@pytest.mark.parametrize(
    "column, sql_type, expected",
    [
        ("quantity", "INTEGER", "dtype('int64')"),  # int32 is not the declared int64
        ("unit_price", "DECIMAL(18,4)", "dtype('float64')"),
        ("sold_at", "TIMESTAMP_NS", "dtype('timestamp(6)')"),
        ("sale_date", "TIMESTAMP", "dtype('date')"),
        ("is_guest", "VARCHAR", "dtype('boolean')"),
    ],
)
def test_a_wrong_type_fails(db, column, sql_type, expected):
    write(db, "sales_lines", [valid_row("sales_lines")],
          sql=f"ALTER TABLE silver.sales_lines ALTER {column} TYPE {sql_type}")
    failures = failed(check(db, "sales_lines"))
    assert (expected, column) in failures, failures


# --- one schema source: every declaration of silver's columns equals the registry ---------------


def registry_columns(entity_name: str) -> list[str]:
    entity = ENTITIES[entity_name]
    return entity.column_names + list(entity.derived) + LINEAGE


def registry_types(entity_name: str) -> dict[str, dt.DataType]:
    """Ibis types: the registry's for entity columns, the contracts' declaration for derived and lineage."""
    entity = ENTITIES[entity_name]
    types = {c.name: c.type for c in entity.columns} | {d: DERIVED_TYPES[d] for d in entity.derived} | LINEAGE_TYPES
    return {name: IBIS_TYPES[types[name]] for name in registry_columns(entity_name)}


@pytest.mark.parametrize("entity_name", list(ENTITIES))
def test_table_schema_declares_the_registry_columns_and_types(entity_name):
    arrow = silver_schema(ENTITIES[entity_name])
    assert arrow.names == registry_columns(entity_name)
    assert {f.name: dt.DataType.from_pyarrow(f.type) for f in arrow} == registry_types(entity_name)


@pytest.mark.parametrize("entity_name", list(ENTITIES))
def test_cleaning_writes_the_registry_columns(entity_name):
    assert silver_columns(ENTITIES[entity_name]) == registry_columns(entity_name)


@pytest.mark.parametrize("entity_name", list(ENTITIES))
def test_the_contract_declares_the_registry_columns_types_nullability_and_key(entity_name):
    entity = ENTITIES[entity_name]
    contract = CONTRACTS[entity_name]
    assert list(contract.columns) == registry_columns(entity_name)
    assert {name: col.dtype.type for name, col in contract.columns.items()} == registry_types(entity_name)
    not_null = {c.name for c in entity.columns if c.required} | NOT_NULL_IN_SILVER.get(entity_name, set())
    not_null |= set(entity.derived) | set(LINEAGE)
    assert {name for name, col in contract.columns.items() if not col.nullable} == not_null
    assert contract.unique == list(entity.business_key) and contract.strict is True


def _dbt_source_columns() -> dict[str, list[str]]:
    spec = yaml.safe_load(SOURCES_YML.read_text())
    [source] = [s for s in spec["sources"] if s["name"] == "silver"]
    return {t["name"]: [c["name"] for c in t.get("columns", [])] for t in source["tables"]}


def test_dbt_declares_a_source_table_for_every_entity():
    assert set(_dbt_source_columns()) == set(ENTITIES)


@pytest.mark.parametrize("entity_name", list(ENTITIES))
def test_dbt_source_declares_the_registry_columns(entity_name):
    """dbt's sources list every silver column, in the registry's order (what gold can rely on)."""
    assert _dbt_source_columns()[entity_name] == registry_columns(entity_name)
