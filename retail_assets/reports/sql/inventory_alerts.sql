-- Store/product pairs below their reorder point at the latest snapshot, the shortest
-- cover first (products not sold in 28 days last: no cover estimate).
SELECT
    i.store_id,
    coalesce(i.store_name, i.store_id) AS store_name,
    coalesce(s.region, 'Unknown') AS region,
    i.product_id,
    coalesce(i.product_name, i.product_id) AS product_name,
    i.category,
    i.snapshot_date,
    i.on_hand,
    i.reorder_point,
    i.days_of_cover
FROM gold.rpt_inventory_status AS i
LEFT JOIN gold.dim_store AS s ON s.store_key = i.store_key
WHERE i.needs_reorder
ORDER BY i.days_of_cover NULLS LAST, i.store_id, i.product_id
