"""dbt's stable_sum / stable_avg macros (dbt_project/macros/stable_sum.sql) render the same text whatever
order the rows are added in, so a rebuilt mart keeps its checksum.

The macros rendered with Jinja (as dbt renders them) and run on DuckDB over values whose double sum
is a tiny negative or positive noise depending on the order: a sale and its cancellation.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import jinja2
import pytest

MACROS = Path(__file__).resolve().parents[2] / "dbt_project" / "macros" / "stable_sum.sql"


def _render(macro: str, expr: str) -> str:
    module = jinja2.Environment().from_string(MACROS.read_text()).module
    return str(getattr(module, macro)(expr)).strip()


@pytest.mark.parametrize("macro", ["stable_sum", "stable_avg"])
@pytest.mark.parametrize("order", [[0.3, -0.1, -0.2], [-0.1, -0.2, 0.3], [-0.2, 0.3, -0.1]])
def test_a_sale_and_its_cancellation_sum_to_zero_not_minus_zero(macro, order):
    conn = duckdb.connect()
    values = ", ".join(f"({i}, CAST({v} AS DOUBLE))" for i, v in enumerate(order))  # doubles, as revenue is
    # One thread and a fixed order: the sum is exactly what this order of additions gives.
    conn.execute("SET threads = 1")
    raw = conn.execute(f"SELECT CAST(round(sum(v ORDER BY i), 4) AS VARCHAR) FROM (VALUES {values}) t(i, v)").fetchone()[0]
    rendered = _render(macro, "v").replace("sum(v)", "sum(v ORDER BY i)").replace("avg(v)", "avg(v ORDER BY i)")
    text = conn.execute(f"SELECT CAST({rendered} AS VARCHAR) FROM (VALUES {values}) t(i, v)").fetchone()[0]
    assert text == "0.0", f"{macro} rendered {rendered!r} gave {text!r} (plain rounding gave {raw!r})"
