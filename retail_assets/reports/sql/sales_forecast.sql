-- The newest forecast run (ml.sales_forecast), per store and day, with the store's region.
SELECT
    f.forecast_date,
    f.store_id,
    coalesce(s.region, 'Unknown') AS region,
    f.forecast_revenue
FROM ml.sales_forecast AS f
LEFT JOIN gold.dim_store AS s ON s.store_id = f.store_id
WHERE f.forecast_made_on = (SELECT max(forecast_made_on) FROM ml.sales_forecast)
ORDER BY f.forecast_date, f.store_id
