-- Daily sales of the stores in country GB (one row per day and store).
{{ country_sales('GB') }}
