-- When customers buy: one row per (ISO day of week, hour of day) with
-- transactions and revenue, and the averages per calendar day observed, so
-- weekdays with more days in the data are not favoured.
with orders as (

    select
        transaction_id,
        sale_date,
        revenue,
        {{ iso_day_of_week('sale_date') }} as day_of_week,
        {{ day_name('sale_date') }} as day_name,
        cast(extract(hour from ordered_at) as {{ dbt.type_int() }}) as hour_of_day
    from {{ ref('fct_orders') }}

),

days_observed as (

    select
        day_of_week,
        count(distinct sale_date) as days_observed
    from orders
    group by day_of_week

),

grouped as (

    select
        day_of_week,
        day_name,
        hour_of_day,
        count(*) as transactions,
        {{ stable_sum('revenue') }} as revenue
    from orders
    group by day_of_week, day_name, hour_of_day

)

select
    grouped.day_of_week,
    grouped.day_name,
    grouped.hour_of_day,
    grouped.transactions,
    grouped.revenue,
    grouped.revenue / nullif(grouped.transactions, 0) as avg_sale_per_transaction,
    days_observed.days_observed,
    cast(grouped.transactions as {{ type_double() }}) / days_observed.days_observed as avg_transactions_per_day,
    grouped.revenue / days_observed.days_observed as avg_revenue_per_day,
    rank() over (order by grouped.transactions desc) as busiest_rank
from grouped
left join days_observed on grouped.day_of_week = days_observed.day_of_week
