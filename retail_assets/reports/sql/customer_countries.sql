-- Sales per (sale date, store region, customer country) from gold.rpt_sales_by_customer_country,
-- so the page can re-aggregate any date range and region without redefining revenue.
SELECT
    sale_date,
    coalesce(store_region, 'Unknown') AS region,
    customer_country AS country,
    sum(transactions) AS transactions,
    sum(revenue) AS revenue
FROM gold.rpt_sales_by_customer_country
GROUP BY ALL
ORDER BY sale_date, region, country
