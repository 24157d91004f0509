-- Stock per store and product at the store's latest snapshot (gold.rpt_inventory_status):
-- what needs reordering first, the shortest cover first within it.
SELECT
    store_id,
    store_name,
    product_id,
    product_name,
    category,
    snapshot_date,
    on_hand,
    reorder_point,
    needs_reorder,
    CAST(units_sold_last_28_days AS BIGINT) AS units_sold_last_28_days,
    round(avg_daily_units_sold, 2) AS avg_daily_units_sold,
    round(days_of_cover, 1) AS days_of_cover
FROM gold.rpt_inventory_status
ORDER BY needs_reorder DESC, days_of_cover NULLS LAST, store_id, product_id
