-- Transactions per (sale date, region, hour of day), gold.rpt_peak_hours' grain plus
-- date and region so the page can filter; it averages per weekday observed itself.
SELECT
    o.sale_date,
    coalesce(s.region, 'Unknown') AS region,
    CAST(extract(hour FROM o.ordered_at) AS INTEGER) AS hour_of_day,
    count(*) AS transactions,
    sum(o.revenue) AS revenue
FROM gold.fct_orders AS o
LEFT JOIN gold.dim_store AS s ON s.store_key = o.store_key
GROUP BY ALL
ORDER BY ALL
