-- The headline numbers, as gold defines them (gold.v_executive_summary).
SELECT
    latest_sale_date,
    total_sales,
    total_customers AS customers,
    total_transactions AS transactions,
    avg_sale_per_transaction,
    high_value_transactions,
    sales_ytd,
    sales_last_30_days
FROM gold.v_executive_summary
