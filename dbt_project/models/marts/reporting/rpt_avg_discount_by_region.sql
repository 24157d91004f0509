-- Discounting per store region (product lines, cancellations excluded):
-- avg_discount is the plain mean of the line discount; weighted_avg_discount is
-- discount money over gross money (what the discounts cost).
with sales as (

    select * from {{ ref('fct_sales') }}
    where line_type = 'product' and not is_cancellation

),

stores as (

    select
        store_key,
        country,
        region
    from {{ ref('dim_store') }}

),

grouped as (

    select
        coalesce(stores.country, 'Unknown') as country,
        coalesce(stores.region, 'Unknown') as region,
        count(*) as lines,
        cast(sum(case when sales.discount > 0 then 1 else 0 end) as {{ dbt.type_bigint() }}) as discounted_lines,
        {{ stable_avg('sales.discount') }} as avg_discount,
        {{ stable_sum('sales.quantity * sales.unit_price') }} as gross_amount,
        {{ stable_sum('sales.quantity * sales.unit_price * sales.discount') }} as discount_amount,
        {{ stable_sum('sales.revenue') }} as revenue
    from sales
    left join stores on sales.store_key = stores.store_key
    group by 1, 2

)

select
    country,
    region,
    lines,
    discounted_lines,
    cast(discounted_lines as {{ type_double() }}) / nullif(lines, 0) as discounted_line_share,
    avg_discount,
    discount_amount / nullif(gross_amount, 0) as weighted_avg_discount,
    gross_amount,
    discount_amount,
    revenue
from grouped
