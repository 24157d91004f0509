"""Plain DuckDB scripts: what the pipeline is compared with, on the very same files.

Each writes to a fresh DuckDB file (as the pipeline does) and does the data work
only: CSV/JSON -> typed lines -> deduplicated -> daily revenue. No lineage,
audit, quarantine, dbt, ML or reports.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

_TS = "coalesce(try_strptime({c}, '%Y-%m-%d %H:%M:%S'), try_strptime({c}, '%d/%m/%Y %H:%M'))"


def online_retail_daily_revenue(files: list[Path], db_path: Path) -> dict:
    """Online Retail exports -> typed, deduplicated lines -> daily revenue. Returns row counts."""
    with duckdb.connect(str(db_path)) as conn:
        conn.execute("CREATE TABLE raw AS SELECT * FROM read_csv(?, header=true, all_varchar=true, filename=true)",
                     [[str(f) for f in files]])
        # Identical lines within a file are one line; the typed rules of the profile.
        conn.execute(f"""
            CREATE TABLE lines AS
            SELECT InvoiceNo AS transaction_id, starts_with(InvoiceNo, 'C') AS is_cancellation,
                   StockCode AS product_id, Description AS product_name,
                   TRY_CAST(Quantity AS BIGINT) AS quantity, {_TS.format(c='InvoiceDate')} AS sold_at,
                   TRY_CAST(UnitPrice AS DOUBLE) AS unit_price,
                   nullif(regexp_replace(CustomerID, '\\.0$', ''), '') AS customer_id, Country AS country
            FROM (SELECT DISTINCT * FROM raw)""")
        conn.execute("""
            CREATE TABLE daily_revenue AS
            SELECT CAST(sold_at AS DATE) AS day, sum(quantity * unit_price) AS revenue, count(*) AS lines
            FROM lines
            WHERE sold_at IS NOT NULL AND quantity IS NOT NULL AND unit_price IS NOT NULL
              AND ((is_cancellation AND quantity < 0) OR (NOT is_cancellation AND quantity > 0 AND unit_price > 0))
            GROUP BY 1""")
        raw, = conn.execute("SELECT count(*) FROM raw").fetchone()
        kept, days = conn.execute("SELECT sum(lines), count(*) FROM daily_revenue").fetchone()
    return {"lines_read": raw, "lines_kept": int(kept or 0), "days": days}


def synthetic_daily_revenue(pos_files: list[Path], online_files: list[Path], db_path: Path) -> dict:
    """Synthetic POS CSVs + online NDJSON -> typed lines, one per (transaction, line) -> daily revenue."""
    cols = ("transaction_id, TRY_CAST(line_number AS BIGINT) AS line_number, {ts} AS sold_at, store_id, "
            "customer_id, product_id, TRY_CAST(quantity AS BIGINT) AS quantity, "
            "TRY_CAST(regexp_replace(unit_price, '[£$€]', '') AS DOUBLE) AS unit_price, "
            "TRY_CAST(discount AS DOUBLE) AS discount, channel")
    with duckdb.connect(str(db_path)) as conn:
        conn.execute("CREATE TABLE pos AS SELECT * FROM read_csv(?, header=true, all_varchar=true, union_by_name=true)",
                     [[str(f) for f in pos_files]])
        conn.execute("""CREATE TABLE online AS SELECT transaction_id, line_number, sold_at, store_id, customer_id,
                        product.id AS product_id, quantity, unit_price, discount, channel
                        FROM read_json(?, format='newline_delimited', columns={
                            transaction_id: 'VARCHAR', line_number: 'VARCHAR', sold_at: 'VARCHAR',
                            store_id: 'VARCHAR', customer_id: 'VARCHAR', product: 'STRUCT(id VARCHAR)',
                            quantity: 'VARCHAR', unit_price: 'VARCHAR', discount: 'VARCHAR', channel: 'VARCHAR'})""",
                     [[str(f) for f in online_files]])
        conn.execute(f"""
            CREATE TABLE lines AS
            SELECT {cols.format(ts=_TS.format(c='sold_at'))} FROM pos
            UNION ALL
            SELECT {cols.format(ts=_TS.format(c='sold_at'))} FROM online
            QUALIFY row_number() OVER (PARTITION BY transaction_id, line_number) = 1""")
        conn.execute("""
            CREATE TABLE daily_revenue AS
            SELECT CAST(sold_at AS DATE) AS day, sum(quantity * unit_price * (1 - coalesce(discount, 0))) AS revenue,
                   count(*) AS lines
            FROM lines
            WHERE sold_at IS NOT NULL AND quantity > 0 AND unit_price >= 0
            GROUP BY 1""")
        raw, = conn.execute("SELECT (SELECT count(*) FROM pos) + (SELECT count(*) FROM online)").fetchone()
        kept, days = conn.execute("SELECT sum(lines), count(*) FROM daily_revenue").fetchone()
    return {"lines_read": raw, "lines_kept": int(kept or 0), "days": days}


def pos_sales_typed(pos_file: Path, db_path: Path) -> dict:
    """The original baseline: one POS CSV loaded into a typed, deduplicated table."""
    with duckdb.connect(str(db_path)) as conn:
        conn.execute("CREATE TABLE sales AS SELECT * FROM read_csv(?, header=true, all_varchar=true)", [str(pos_file)])
        conn.execute(
            "CREATE TABLE typed AS SELECT transaction_id, TRY_CAST(line_number AS BIGINT) line_number, "
            f"{_TS.format(c='sold_at')} sold_at, "
            "store_id, customer_id, TRY_CAST(quantity AS BIGINT) quantity, "
            "TRY_CAST(regexp_replace(unit_price, '[£$€]', '') AS DOUBLE) unit_price FROM sales "
            "QUALIFY row_number() OVER (PARTITION BY transaction_id, line_number) = 1")
        raw, = conn.execute("SELECT count(*) FROM sales").fetchone()
        kept, = conn.execute("SELECT count(*) FROM typed").fetchone()
    return {"lines_read": raw, "lines_kept": kept}
