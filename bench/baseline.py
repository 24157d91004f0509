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


def sales_lines_silver(pos_files: list[Path], online_files: list[Path], db_path: Path) -> dict:
    """A day's POS CSVs + online NDJSON -> typed lines with every sales rule's message in `dq_errors`,
    rejected rows kept apart, duplicates of (transaction_id, line_number) removed: silver's work on
    sales lines, minus lineage, the audit, re-delivery detection and pandera."""
    text = "nullif(trim({c}), '')"
    cols = ", ".join(f"{text.format(c=c)} AS {c}" for c in (
        "transaction_id", "line_number", "sold_at", "store_id", "customer_id", "product_id", "quantity",
        "unit_price", "discount"))
    ts = ("coalesce(try_strptime(sold_at, '%Y-%m-%d %H:%M:%S'), try_strptime(sold_at, '%Y-%m-%dT%H:%M:%S'), "
          "try_strptime(sold_at, '%d/%m/%Y %H:%M'))")
    with duckdb.connect(str(db_path)) as conn:
        sources = []
        if pos_files:
            sources.append(f"SELECT {cols}, filename FROM read_csv(?, header=true, all_varchar=true, filename=true)")
        if online_files:
            sources.append(f"SELECT {cols.replace('trim(product_id)', 'trim(product.id)')}, filename FROM read_json(?, "
                           "format='newline_delimited', filename=true, columns={transaction_id: 'VARCHAR', "
                           "line_number: 'VARCHAR', sold_at: 'VARCHAR', store_id: 'VARCHAR', customer_id: 'VARCHAR', "
                           "product: 'STRUCT(id VARCHAR)', quantity: 'VARCHAR', unit_price: 'VARCHAR', "
                           "discount: 'VARCHAR'})")
        params = [[str(f) for f in fs] for fs in (pos_files, online_files) if fs]
        conn.execute(f"CREATE TABLE raw AS {' UNION ALL '.join(sources)}", params)
        conn.execute(f"""
            CREATE TABLE typed AS
            SELECT *, list_filter([
                CASE WHEN transaction_id IS NULL THEN 'transaction_id is missing' END,
                CASE WHEN line_number IS NOT NULL AND n_line IS NULL THEN 'line_number is not a number' END,
                CASE WHEN sold_at IS NULL THEN 'sold_at is missing'
                     WHEN t_sold IS NULL THEN 'sold_at is not a valid timestamp' END,
                CASE WHEN store_id IS NULL THEN 'store_id is missing' END,
                CASE WHEN product_id IS NULL THEN 'product_id is missing' END,
                CASE WHEN quantity IS NOT NULL AND n_quantity IS NULL THEN 'quantity is not a number' END,
                CASE WHEN unit_price IS NOT NULL AND n_price IS NULL THEN 'unit_price is not a number' END,
                CASE WHEN n_quantity = 0 THEN 'quantity is 0' END,
                CASE WHEN n_quantity < 0 THEN 'quantity ' || quantity || ' is negative' END,
                CASE WHEN n_price < 0 THEN 'unit_price ' || unit_price || ' is negative' END,
                CASE WHEN n_price = 0 THEN 'unit_price is 0 on a product line' END,
                CASE WHEN coalesce(n_discount, 0) >= 1 THEN 'discount of 100% or more' END,
                CASE WHEN t_sold::DATE > DATE '2026-11-02' THEN 'sold_at is after the file''s business date' END,
                CASE WHEN t_sold::DATE < DATE '2026-11-02' - 3 THEN 'sold_at is more than 3 days before' END
            ], e -> e IS NOT NULL) AS dq_errors
            FROM (SELECT *, TRY_CAST(line_number AS BIGINT) AS n_line, {ts} AS t_sold,
                         TRY_CAST(quantity AS BIGINT) AS n_quantity,
                         TRY_CAST(regexp_replace(replace(unit_price, ',', ''), '[£$€¥]|GBP|USD|EUR', '', 'g')
                                  AS DECIMAL(18, 2)) AS n_price,
                         TRY_CAST(discount AS DOUBLE) AS n_discount
                  FROM raw)""")
        conn.execute("CREATE TABLE rejected AS SELECT * FROM typed WHERE len(dq_errors) > 0")
        conn.execute("""
            CREATE TABLE silver AS
            SELECT transaction_id, n_line AS line_number, t_sold AS sold_at, store_id, customer_id, product_id,
                   n_quantity AS quantity, n_price AS unit_price, coalesce(n_discount, 0) AS discount,
                   round(n_quantity * n_price * (1 - coalesce(n_discount, 0)), 2) AS revenue
            FROM typed WHERE len(dq_errors) = 0
            QUALIFY row_number() OVER (PARTITION BY transaction_id, n_line ORDER BY filename) = 1""")
        raw, = conn.execute("SELECT count(*) FROM raw").fetchone()
        kept, = conn.execute("SELECT count(*) FROM silver").fetchone()
        rejected, = conn.execute("SELECT count(*) FROM rejected").fetchone()
    return {"rows_read": raw, "silver_rows": kept, "rejected_rows": rejected}
