-- Daily sales of the stores in country CA (one row per day and store).
{{ country_sales('CA') }}
