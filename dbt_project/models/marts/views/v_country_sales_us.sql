-- Daily sales of the stores in country US (one row per day and store).
{{ country_sales('US') }}
