-- Shown in Dagster as an asset check on fct_orders (a singular test with several parents needs the hint).
{{ config(meta={'dagster': {'ref': {'name': 'fct_orders'}}}) }}
-- Every transaction of fct_sales is one order with the same lines and revenue.
with from_lines as (

    select transaction_id, count(*) as lines, sum(revenue) as revenue
    from {{ ref('fct_sales') }}
    group by transaction_id

)

select
    coalesce(from_lines.transaction_id, orders.transaction_id) as transaction_id,
    from_lines.lines,
    orders.line_count,
    from_lines.revenue,
    orders.revenue as order_revenue
from from_lines
full outer join {{ ref('fct_orders') }} as orders
    on orders.transaction_id = from_lines.transaction_id
where from_lines.transaction_id is null
    or orders.transaction_id is null
    or from_lines.lines <> orders.line_count
    or abs(from_lines.revenue - orders.revenue) > 0.005
