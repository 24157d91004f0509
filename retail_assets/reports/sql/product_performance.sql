-- Every product with sales, best seller first (gold.rpt_top_products: product lines only).
SELECT
    revenue_rank,
    units_rank,
    product_id,
    product_name,
    category,
    brand,
    transactions,
    units,
    round(revenue, 2) AS revenue,
    round(avg_revenue_per_unit, 2) AS avg_revenue_per_unit,
    first_sale_date,
    last_sale_date
FROM gold.rpt_top_products
ORDER BY revenue_rank, product_id
