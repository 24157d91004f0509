-- Sales per store region and product category, over all time: one row per
-- (country, region, category), with the category's share of the region's revenue.
with sales as (

    select * from {{ ref('fct_sales') }}

),

stores as (

    select
        store_key,
        country,
        region
    from {{ ref('dim_store') }}

),

products as (

    select
        product_key,
        category
    from {{ ref('dim_product') }}

),

grouped as (

    select
        coalesce(stores.country, 'Unknown') as country,
        coalesce(stores.region, 'Unknown') as region,
        coalesce(products.category, 'Unknown') as category,
        count(distinct sales.transaction_id) as transactions,
        count(*) as lines,
        cast(sum(sales.quantity) as {{ dbt.type_bigint() }}) as units,
        {{ stable_sum('sales.revenue') }} as revenue
    from sales
    left join stores on sales.store_key = stores.store_key
    left join products on sales.product_key = products.product_key
    group by 1, 2, 3

)

select
    country,
    region,
    category,
    transactions,
    lines,
    units,
    revenue,
    round(revenue / nullif(sum(revenue) over (partition by country, region), 0), 6) as share_of_region_revenue
from grouped
