-- The 5 best-selling products by revenue overall (region '') and within each store
-- region: product lines only, as gold.rpt_top_products.
WITH per_region AS (
    SELECT
        coalesce(s.region, 'Unknown') AS region,
        f.product_key,
        sum(f.quantity) AS units,
        sum(f.revenue) AS revenue
    FROM gold.fct_sales AS f
    LEFT JOIN gold.dim_store AS s ON s.store_key = f.store_key
    WHERE f.line_type = 'product'
    GROUP BY ALL
),
ranked AS (
    SELECT region, product_key, units, revenue,
           row_number() OVER (PARTITION BY region ORDER BY revenue DESC, product_key) AS position
    FROM per_region
    UNION ALL
    SELECT '' AS region, product_key, units, revenue,
           row_number() OVER (ORDER BY revenue DESC, product_key) AS position
    FROM gold.rpt_top_products
)
SELECT
    r.region,
    r.position,
    p.product_id,
    coalesce(p.product_name, p.product_id) AS product_name,
    p.category,
    CAST(r.units AS BIGINT) AS units,
    r.revenue
FROM ranked AS r
LEFT JOIN gold.dim_product AS p ON p.product_key = r.product_key
WHERE r.position <= 5
ORDER BY r.region, r.position
