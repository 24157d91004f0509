-- One row per (sale date, store) from gold.rpt_daily_sales; revenue nets out
-- cancellations as gold does, amounts in the store's own currency.
SELECT
    sale_date,
    store_id,
    store_name,
    country,
    region,
    store_type,
    transactions,
    lines,
    units,
    customers,
    guest_transactions,
    transactions_with_cancellation,
    round(gross_amount, 2) AS gross_amount,
    round(gross_amount - revenue, 2) AS discount_amount,
    round(revenue, 2) AS revenue,
    round(avg_sale_per_transaction, 2) AS avg_sale_per_transaction
FROM gold.rpt_daily_sales
ORDER BY sale_date, store_id
