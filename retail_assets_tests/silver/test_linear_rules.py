"""The e-mail rule on a value that makes a backtracking regex engine quadratic: silver's rules run
on DuckDB's RE2 (linear time), so the row is rejected in about the time of any other row and the
one warehouse pool slot is not held for hours."""

import threading

from retail_assets_tests.silver.bronze_tables import bronze, silver_tables

QUADRATIC = "a@" + "." * 1_000_000 + "@"
GENEROUS_SECONDS = 60  # RE2 takes well under a second; a backtracking engine takes minutes to hours


def test_the_quadratic_email_value_is_rejected_in_linear_time():
    rows = [{"customer_id": "C1", "email": QUADRATIC, "updated_at": "2026-11-01 09:00:00"},
            {"customer_id": "C2", "email": "ann@example.com", "updated_at": "2026-11-01 09:00:00"}]
    frame = bronze("customers", "synthetic_customers", rows)
    out = {}
    # A daemon thread: a hang fails the test at the timeout instead of blocking the suite.
    worker = threading.Thread(target=lambda: out.update(silver_tables([frame], "customers")), daemon=True)
    worker.start()
    worker.join(GENEROUS_SECONDS)
    assert not worker.is_alive(), f"the e-mail rule ran for more than {GENEROUS_SECONDS} s"
    tables = out
    rejected = tables["rejected"].to_pylist()
    assert [r["row_number"] for r in rejected] == [1]
    assert rejected[0]["dq_errors"] == f"email {QUADRATIC} is not an address"
    assert tables["clean"].column("customer_id").to_pylist() == ["C2"]
