-- Sales per calendar month, with the previous calendar month and the growth
-- over it (null when the previous month had no sales).
with orders as (

    select * from {{ ref('fct_orders') }}

),

monthly as (

    select
        cast({{ dbt.date_trunc('month', 'sale_date') }} as date) as month_start_date,
        count(*) as transactions,
        cast(sum(line_count) as {{ dbt.type_bigint() }}) as lines,
        count(distinct customer_id) as customers,
        {{ stable_sum('revenue') }} as revenue
    from orders
    group by 1

),

with_previous as (

    select
        monthly.*,
        previous.revenue as previous_month_revenue
    from monthly
    left join monthly as previous
        on previous.month_start_date = cast({{ dbt.dateadd('month', -1, 'monthly.month_start_date') }} as date)

)

select
    month_start_date,
    cast(extract(year from month_start_date) as {{ dbt.type_int() }}) as calendar_year,
    cast(extract(month from month_start_date) as {{ dbt.type_int() }}) as month_of_year,
    transactions,
    lines,
    customers,
    revenue,
    revenue / nullif(transactions, 0) as avg_sale_per_transaction,
    previous_month_revenue,
    (revenue - previous_month_revenue) / nullif(previous_month_revenue, 0) as revenue_growth_pct
from with_previous
