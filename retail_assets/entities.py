"""Canonical entities: the columns every source profile maps onto.

Bronze stores these columns as the strings that arrived; silver stores them
typed. A column's type drives how it is parsed and which generic data-quality
rule applies to it (required, parseable).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string | int | decimal | discount | timestamp | date
    required: bool = False


@dataclass(frozen=True)
class Entity:
    name: str
    description: str
    columns: tuple[Column, ...]
    business_key: tuple[str, ...]
    derived: tuple[str, ...] = field(default=())  # silver-only columns computed from the others

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _cols(spec: str) -> tuple[Column, ...]:
    """Parse 'name:type[!]' tokens; '!' marks a required column."""
    out = []
    for token in spec.split():
        name, type_ = token.split(":")
        out.append(Column(name, type_.rstrip("!"), required=type_.endswith("!")))
    return tuple(out)


ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in [
        Entity(
            "sales_lines",
            "Point-of-sale line items: one row per product line of a transaction.",
            _cols(
                "transaction_id:string! line_number:int! sold_at:timestamp! store_id:string! "
                "customer_id:string employee_id:string product_id:string! product_name:string "
                "quantity:int! unit_price:decimal! discount:discount payment_method:string "
                "channel:string country:string"
            ),
            business_key=("transaction_id", "line_number"),
            derived=("sale_date", "revenue", "is_cancellation", "is_guest", "line_type"),
        ),
        Entity(
            "customers",
            "Customer versions as delivered: one row per customer and updated_at (history for SCD2).",
            _cols(
                "customer_id:string! email:string first_name:string last_name:string "
                "loyalty_tier:string region:string country:string signup_date:date "
                "updated_at:timestamp!"
            ),
            business_key=("customer_id", "updated_at"),
        ),
        Entity(
            "products",
            "Product catalogue versions: category, brand, cost and list price.",
            _cols(
                "product_id:string! product_name:string! category:string brand:string "
                "unit_cost:decimal list_price:decimal updated_at:timestamp!"
            ),
            business_key=("product_id", "updated_at"),
        ),
        Entity(
            "stores",
            "Stores with country, region and store type.",
            _cols(
                "store_id:string! store_name:string! country:string! region:string city:string "
                "store_type:string opened_on:date"
            ),
            business_key=("store_id",),
        ),
        Entity(
            "employees",
            "Employees, their store, role and hourly rate.",
            _cols(
                "employee_id:string! first_name:string last_name:string store_id:string! "
                "role:string hired_on:date hourly_rate:decimal"
            ),
            business_key=("employee_id",),
        ),
        Entity(
            "shifts",
            "Employee shifts (hours worked per store).",
            _cols(
                "shift_id:string! employee_id:string! store_id:string! "
                "shift_start:timestamp! shift_end:timestamp!"
            ),
            business_key=("shift_id",),
        ),
        Entity(
            "inventory",
            "Daily inventory snapshot per store and product.",
            _cols(
                "snapshot_date:date! store_id:string! product_id:string! on_hand:int! "
                "reorder_point:int"
            ),
            business_key=("snapshot_date", "store_id", "product_id"),
        ),
    ]
}

# Lineage columns every bronze row carries, in this order.
BRONZE_META = ["_source_file", "_file_sha256", "_profile", "_row_number", "_partition_date", "_ingested_at"]
