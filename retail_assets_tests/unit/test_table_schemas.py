"""Unit tests of retail_assets.warehouse.table_schemas: declared Arrow schemas and to_arrow."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from retail_assets.entities import BRONZE_META, ENTITIES
from retail_assets.silver.columns import silver_columns
from retail_assets.warehouse.table_schemas import (
    REJECTED_ROWS_SCHEMA,
    bronze_schema,
    schema_for,
    silver_schema,
    to_arrow,
)
from retail_assets_tests.silver.bronze_tables import online, pos, silver_tables

STORES = silver_schema(ENTITIES["stores"])


def stores_frame(**overrides) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "store_id": ["S1", "S2"],
            "store_name": ["Leeds", "York"],
            "country": ["UK", "UK"],
            "region": [None, None],  # all-None: must still be a string column
            "city": [None, None],
            "store_type": [None, None],
            "opened_on": [date(2020, 1, 1), None],
            "partition_date": [date(2026, 11, 1)] * 2,
            "source_file": ["stores_2026-11-01.csv"] * 2,
            "file_sha256": ["abc"] * 2,
            "source_row_number": [1, 2],
        }
    )
    return frame.assign(**overrides)


def test_all_none_string_column_is_a_string_column_not_null_type():
    table = to_arrow(stores_frame(), STORES)
    assert table.schema == STORES
    for name in ("region", "city", "store_type"):
        assert table.schema.field(name).type == pa.string()
        assert table.column(name).null_count == 2
    assert table.column("opened_on").to_pylist() == [date(2020, 1, 1), None]


def test_extra_columns_raise_naming_them():
    with pytest.raises(ValueError, match=r"columns \['bogus', 'zzz'\] are not in the declared table schema"):
        to_arrow(stores_frame(zzz=1, bogus="x"), STORES)


def test_column_order_follows_the_schema():
    frame = stores_frame()
    table = to_arrow(frame[list(reversed(frame.columns))], STORES)
    assert table.schema.names == STORES.names


def test_wrong_type_is_an_error_not_a_silent_cast():
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError)):
        to_arrow(stores_frame(source_row_number=["one", "two"]), STORES)


def test_silver_schema_matches_silver_columns_for_every_entity():
    for entity in ENTITIES.values():
        schema = silver_schema(entity)
        assert schema.names == silver_columns(entity), entity.name
        assert len(set(schema.names)) == len(schema.names)


def test_silver_sales_schema_types():
    schema = silver_schema(ENTITIES["sales_lines"])
    assert schema.field("line_number").type == pa.int64()
    assert schema.field("unit_price").type == pa.float64()
    assert schema.field("discount").type == pa.float64()
    assert schema.field("sold_at").type == pa.timestamp("us")
    assert schema.field("sale_date").type == pa.date32()
    assert schema.field("is_guest").type == pa.bool_()
    assert schema.field("line_type").type == pa.string()


def test_bronze_schema_is_strings_plus_lineage():
    schema = bronze_schema(ENTITIES["inventory"])
    assert schema.names == ENTITIES["inventory"].column_names + BRONZE_META
    assert all(schema.field(c).type == pa.string() for c in ENTITIES["inventory"].column_names)
    assert schema.field("_row_number").type == pa.int64()
    assert schema.field("_ingested_at").type == pa.timestamp("us")


def test_schema_for():
    assert schema_for("silver", "stores") == STORES
    assert schema_for("bronze", "stores") == bronze_schema(ENTITIES["stores"])
    assert schema_for("silver", "rejected_rows") is REJECTED_ROWS_SCHEMA
    assert schema_for("gold", "stores") is None
    assert schema_for("silver", "unknown") is None


@pytest.fixture(scope="module")
def silver_output() -> dict[str, pa.Table]:
    """silver_window over two files: a web-shop style POS batch and an Online Retail one (one run, ~1 s)."""
    web_shop = pos([{"employee_id": None}, {"line_number": "2", "employee_id": None, "quantity": "0"}])
    online_retail = online([{}, {"product_id": "71053"}])
    return silver_tables([web_shop, online_retail], "sales_lines")


def rows_of(table: pa.Table, file: str) -> pa.Table:
    return table.filter(pc.equal(table.column("source_file"), file))


def test_silver_window_output_has_its_declared_schema(silver_output):
    # The web-shop style batch: no employee ids, no product names, no country -> all-None string columns.
    clean = silver_output["clean"]
    assert clean.schema.equals(silver_schema(ENTITIES["sales_lines"]))
    table = rows_of(clean, "file.csv")
    assert table.num_rows == 1
    assert table.schema.field("employee_id").type == pa.string()
    assert table.schema.field("country").type == pa.string()
    (row,) = table.to_pylist()
    assert row["employee_id"] is None and row["country"] is None
    assert row["sold_at"] == datetime(2026, 11, 1, 10, 0)
    assert row["sale_date"] == date(2026, 11, 1) and row["line_number"] == 1

    rejected = silver_output["rejected"].to_pandas().assign(rejected_at=pd.Timestamp("2026-11-02 01:00"))
    rejected = to_arrow(rejected, REJECTED_ROWS_SCHEMA)
    assert rejected.column("dq_errors").to_pylist() == ["quantity is 0"]


def test_silver_window_with_derived_line_numbers_has_its_declared_schema(silver_output):
    table = rows_of(silver_output["clean"], "2010-12-01.csv").sort_by("source_row_number")
    assert table.schema.equals(silver_schema(ENTITIES["sales_lines"]))
    assert table.column("line_number").to_pylist() == [1, 2]
    assert table.column("customer_id").to_pylist() == ["17850", "17850"]
