-- Daily sales per store and customer country: one row per (sale_date, store,
-- customer_country). A store's region says where it is; an online shop has one
-- store and sells abroad, so this is the country chart a sales-only export can
-- have. The country is the one written on the sale line (online exports),
-- else the customer's version at the sale (name, then ISO code), else
-- 'Unknown' (guests of a chain whose lines carry no country).
with sales as (

    select * from {{ ref('fct_sales') }}

),

customers as (

    select * from {{ ref('dim_customer') }}

),

stores as (

    select * from {{ ref('dim_store') }}

),

lines as (

    select
        sales.sale_date,
        sales.date_key,
        sales.store_key,
        sales.transaction_id,
        sales.customer_id,
        sales.quantity,
        sales.revenue,
        coalesce(
            nullif(trim(sales.country), ''), customers.country_name, customers.country, 'Unknown'
        ) as customer_country
    from sales
    left join customers on sales.customer_key = customers.customer_key

),

daily as (

    select
        sale_date,
        date_key,
        store_key,
        customer_country,
        count(distinct transaction_id) as transactions,
        count(*) as lines,
        cast(sum(quantity) as {{ dbt.type_bigint() }}) as units,
        count(distinct customer_id) as customers,
        {{ stable_sum('revenue') }} as revenue
    from lines
    group by sale_date, date_key, store_key, customer_country

)

select
    daily.sale_date,
    daily.date_key,
    daily.store_key,
    stores.store_id,
    stores.store_name,
    stores.region as store_region,
    daily.customer_country,
    daily.transactions,
    daily.lines,
    daily.units,
    daily.customers,
    daily.revenue
from daily
left join stores on daily.store_key = stores.store_key
