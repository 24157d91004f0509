-- Store regions for the dashboard's filter, in country then region order.
SELECT DISTINCT coalesce(country, 'Unknown') AS country, coalesce(region, 'Unknown') AS region
FROM gold.dim_store
ORDER BY country, region
