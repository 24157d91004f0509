-- The dashboard's filterable facts: one row per (sale date, store) with sales from
-- gold.rpt_daily_sales and the discount sums of gold.rpt_avg_discount_by_region's
-- definition (product lines, cancellations excluded), so the page can re-aggregate
-- any date range and region.
WITH discounts AS (
    SELECT
        sale_date,
        store_key,
        count(*) AS discount_lines,
        sum(discount) AS discount_sum,
        sum(quantity * unit_price) AS discount_gross,
        sum(quantity * unit_price * discount) AS discount_amount
    FROM gold.fct_sales
    WHERE line_type = 'product' AND NOT is_cancellation
    GROUP BY sale_date, store_key
)
SELECT
    d.sale_date,
    d.store_id,
    coalesce(d.store_name, d.store_id) AS store_name,
    coalesce(d.country, 'Unknown') AS country,
    coalesce(d.region, 'Unknown') AS region,
    d.transactions,
    d.revenue,
    coalesce(x.discount_lines, 0) AS discount_lines,
    coalesce(x.discount_sum, 0) AS discount_sum,
    coalesce(x.discount_gross, 0) AS discount_gross,
    coalesce(x.discount_amount, 0) AS discount_amount
FROM gold.rpt_daily_sales AS d
LEFT JOIN discounts AS x ON x.sale_date = d.sale_date AND x.store_key = d.store_key
ORDER BY d.sale_date, d.store_id
