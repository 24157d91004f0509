-- One row of headline KPIs over all sales, with year-to-date and last-30-days
-- figures relative to the latest sale date in the data (not today: data may lag).
with orders as (

    select * from {{ ref('fct_orders') }}

),

latest as (

    select max(sale_date) as latest_sale_date from orders

),

high_value as (

    select count(*) as high_value_transactions from {{ ref('rpt_high_value_transactions') }}

),

kpis as (

    select
        latest.latest_sale_date,
        coalesce({{ stable_sum('orders.revenue') }}, 0) as total_sales,
        count(orders.transaction_id) as total_transactions,
        cast(coalesce(sum(orders.line_count), 0) as {{ dbt.type_bigint() }}) as total_lines,
        count(distinct orders.customer_id) as total_customers,
        count(distinct orders.store_id) as stores_with_sales,
        cast(sum(case when orders.is_guest then 1 else 0 end) as {{ dbt.type_bigint() }}) as guest_transactions,
        cast(sum(case when orders.has_cancellation then 1 else 0 end) as {{ dbt.type_bigint() }})
            as transactions_with_cancellation,
        round(sum(case
            when extract(year from orders.sale_date) = extract(year from latest.latest_sale_date)
                then orders.revenue
            else 0
        end), 4) as sales_ytd,
        cast(sum(case
            when extract(year from orders.sale_date) = extract(year from latest.latest_sale_date)
                then 1
            else 0
        end) as {{ dbt.type_bigint() }}) as transactions_ytd,
        round(sum(case
            when orders.sale_date > cast({{ dbt.dateadd('day', -30, 'latest.latest_sale_date') }} as date)
                then orders.revenue
            else 0
        end), 4) as sales_last_30_days
    -- from `latest` (always one row): the summary has one row even with no sales
    from latest
    left join orders on true
    group by latest.latest_sale_date

)

select
    kpis.latest_sale_date,
    kpis.total_sales,
    kpis.total_transactions,
    kpis.total_lines,
    kpis.total_customers,
    kpis.stores_with_sales,
    kpis.total_sales / nullif(kpis.total_transactions, 0) as avg_sale_per_transaction,
    high_value.high_value_transactions,
    cast(kpis.guest_transactions as {{ type_double() }})
    / nullif(kpis.total_transactions, 0) as guest_transaction_share,
    cast(kpis.transactions_with_cancellation as {{ type_double() }})
    / nullif(kpis.total_transactions, 0) as cancellation_rate,
    kpis.sales_ytd,
    kpis.transactions_ytd,
    kpis.sales_last_30_days
from kpis
cross join high_value
