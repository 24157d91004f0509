-- Daily sales per store: one row per (sale_date, store). Revenue nets out
-- cancellations; amounts are in the store's own currency (no conversion).
with sales as (

    select * from {{ ref('fct_sales') }}

),

stores as (

    select * from {{ ref('dim_store') }}

),

daily as (

    select
        sale_date,
        date_key,
        store_key,
        count(distinct transaction_id) as transactions,
        count(*) as lines,
        cast(sum(quantity) as {{ dbt.type_bigint() }}) as units,
        count(distinct customer_id) as customers,
        count(distinct case when is_guest then transaction_id end) as guest_transactions,
        count(distinct case when is_cancellation then transaction_id end) as transactions_with_cancellation,
        {{ stable_sum('quantity * unit_price') }} as gross_amount,
        {{ stable_sum('revenue') }} as revenue
    from sales
    group by sale_date, date_key, store_key

)

select
    daily.sale_date,
    daily.date_key,
    daily.store_key,
    stores.store_id,
    stores.store_name,
    stores.country,
    stores.region,
    stores.store_type,
    daily.transactions,
    daily.lines,
    daily.units,
    daily.customers,
    daily.guest_transactions,
    daily.transactions_with_cancellation,
    daily.gross_amount,
    daily.revenue,
    daily.revenue / nullif(daily.transactions, 0) as avg_sale_per_transaction
from daily
left join stores on daily.store_key = stores.store_key
