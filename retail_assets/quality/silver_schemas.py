"""Pandera contracts of the silver tables, attached to the silver assets as Dagster types.

Row-level defects never reach these checks (they are rejected earlier with
dq_errors). A breach here means silver cannot be trusted at all: a wrong
column, a wrong type, a duplicated business key. The run then fails in the UI
with the failing checks listed.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine
from pandera.typing import Series

Date = pandas_engine.Date


class _Lineage(pa.DataFrameModel):
    partition_date: Series[Date] = pa.Field(description="Business date of the file the row came from")
    source_file: Series[str] = pa.Field(description="Landing file name")
    file_sha256: Series[str] = pa.Field(str_length={"min_value": 1})
    source_row_number: Series[int] = pa.Field(ge=1, description="1-based data row in the file")

    class Config:
        strict = True  # an unexpected column means the wrong file or a code bug


class SilverSalesLines(_Lineage):
    """One row per sale line; key (transaction_id, line_number)."""

    transaction_id: Series[str]
    line_number: Series[pd.Int64Dtype] = pa.Field(ge=1)
    sold_at: Series[pd.Timestamp]
    store_id: Series[str]
    customer_id: Series[str] = pa.Field(nullable=True)
    employee_id: Series[str] = pa.Field(nullable=True)
    product_id: Series[str]
    product_name: Series[str] = pa.Field(nullable=True)
    quantity: Series[pd.Int64Dtype] = pa.Field(ne=0)
    unit_price: Series[float] = pa.Field(ge=0)
    discount: Series[float] = pa.Field(ge=0, lt=1)
    payment_method: Series[str] = pa.Field(nullable=True)
    channel: Series[str] = pa.Field(nullable=True)
    country: Series[str] = pa.Field(nullable=True)
    sale_date: Series[Date]
    revenue: Series[float]
    is_cancellation: Series[bool]
    is_guest: Series[bool]
    line_type: Series[str] = pa.Field(isin=["product", "non_product"])

    class Config:
        name = "SilverSalesLines"
        unique = ["transaction_id", "line_number"]

    @pa.dataframe_check
    def cancellations_are_negative(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["quantity"] < 0) == df["is_cancellation"]


class SilverCustomers(_Lineage):
    """Customer versions; key (customer_id, updated_at)."""

    customer_id: Series[str]
    email: Series[str] = pa.Field(nullable=True)
    first_name: Series[str] = pa.Field(nullable=True)
    last_name: Series[str] = pa.Field(nullable=True)
    loyalty_tier: Series[str] = pa.Field(nullable=True)
    region: Series[str] = pa.Field(nullable=True)
    country: Series[str] = pa.Field(nullable=True)
    signup_date: Series[Date] = pa.Field(nullable=True)
    updated_at: Series[pd.Timestamp]

    class Config:
        name = "SilverCustomers"
        unique = ["customer_id", "updated_at"]


class SilverProducts(_Lineage):
    """Product versions; key (product_id, updated_at)."""

    product_id: Series[str]
    product_name: Series[str]
    category: Series[str] = pa.Field(nullable=True)
    brand: Series[str] = pa.Field(nullable=True)
    unit_cost: Series[float] = pa.Field(ge=0, nullable=True)
    list_price: Series[float] = pa.Field(ge=0, nullable=True)
    updated_at: Series[pd.Timestamp]

    class Config:
        name = "SilverProducts"
        unique = ["product_id", "updated_at"]


class SilverStores(_Lineage):
    """Stores; key store_id."""

    store_id: Series[str] = pa.Field(unique=True)
    store_name: Series[str]
    country: Series[str]
    region: Series[str] = pa.Field(nullable=True)
    city: Series[str] = pa.Field(nullable=True)
    store_type: Series[str] = pa.Field(nullable=True)
    opened_on: Series[Date] = pa.Field(nullable=True)

    class Config:
        name = "SilverStores"


class SilverEmployees(_Lineage):
    """Employees; key employee_id."""

    employee_id: Series[str] = pa.Field(unique=True)
    first_name: Series[str] = pa.Field(nullable=True)
    last_name: Series[str] = pa.Field(nullable=True)
    store_id: Series[str]
    role: Series[str] = pa.Field(nullable=True)
    hired_on: Series[Date] = pa.Field(nullable=True)
    hourly_rate: Series[float] = pa.Field(ge=0, nullable=True)

    class Config:
        name = "SilverEmployees"


class SilverShifts(_Lineage):
    """Shifts; key shift_id."""

    shift_id: Series[str] = pa.Field(unique=True)
    employee_id: Series[str]
    store_id: Series[str]
    shift_start: Series[pd.Timestamp]
    shift_end: Series[pd.Timestamp]

    class Config:
        name = "SilverShifts"

    @pa.dataframe_check
    def ends_after_start(cls, df: pd.DataFrame) -> Series[bool]:
        return df["shift_end"] > df["shift_start"]


class SilverInventory(_Lineage):
    """Inventory snapshots; key (snapshot_date, store_id, product_id)."""

    snapshot_date: Series[Date]
    store_id: Series[str]
    product_id: Series[str]
    on_hand: Series[pd.Int64Dtype] = pa.Field(ge=0)
    reorder_point: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)

    class Config:
        name = "SilverInventory"
        unique = ["snapshot_date", "store_id", "product_id"]


SILVER_SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "sales_lines": SilverSalesLines,
    "customers": SilverCustomers,
    "products": SilverProducts,
    "stores": SilverStores,
    "employees": SilverEmployees,
    "shifts": SilverShifts,
    "inventory": SilverInventory,
}
