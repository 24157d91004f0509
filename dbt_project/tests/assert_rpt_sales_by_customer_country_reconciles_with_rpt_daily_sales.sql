-- Shown in Dagster as an asset check on rpt_sales_by_customer_country (a singular test with several parents needs the hint).
{{ config(meta={'dagster': {'ref': {'name': 'rpt_sales_by_customer_country'}}}) }}
-- Summed over customer countries, each (sale_date, store) has the lines and revenue of rpt_daily_sales:
-- no sale line is lost or counted twice by the country lookup.
with by_country as (

    select sale_date, store_id, sum(lines) as lines, sum(revenue) as revenue
    from {{ ref('rpt_sales_by_customer_country') }}
    group by sale_date, store_id

)

select
    coalesce(by_country.sale_date, daily.sale_date) as sale_date,
    coalesce(by_country.store_id, daily.store_id) as store_id,
    by_country.lines,
    daily.lines as daily_lines,
    by_country.revenue,
    daily.revenue as daily_revenue
from by_country
full outer join {{ ref('rpt_daily_sales') }} as daily
    on by_country.sale_date = daily.sale_date and by_country.store_id = daily.store_id
where by_country.sale_date is null
    or daily.sale_date is null
    or by_country.lines <> daily.lines
    or abs(by_country.revenue - daily.revenue) > 0.005
