-- Transactions whose revenue is over 1,000 (in the store's currency), largest
-- first, with the customer's loyalty tier at the time of the sale.
{%- set threshold = 1000 %}
with orders as (

    select * from {{ ref('fct_orders') }}
    where revenue > {{ threshold }}

),

stores as (

    select
        store_key,
        store_name,
        country
    from {{ ref('dim_store') }}

),

customers as (

    select
        customer_key,
        loyalty_tier
    from {{ ref('dim_customer') }}

)

select
    rank() over (order by orders.revenue desc) as revenue_rank,
    orders.transaction_id,
    orders.sale_date,
    orders.date_key,
    orders.ordered_at,
    orders.store_key,
    orders.store_id,
    stores.store_name,
    stores.country as store_country,
    orders.customer_key,
    orders.customer_id,
    customers.loyalty_tier,
    orders.is_guest,
    orders.channel,
    orders.payment_method,
    orders.line_count,
    orders.units,
    orders.revenue
from orders
left join stores on orders.store_key = stores.store_key
left join customers on orders.customer_key = customers.customer_key
