-- Products ranked by revenue over all time (product lines only: postage, fees
-- and manual lines are not products). revenue_rank 1 = best seller; ties share
-- a rank. Filter on revenue_rank <= N for a top N.
with sales as (

    select * from {{ ref('fct_sales') }}
    where line_type = 'product'

),

products as (

    select * from {{ ref('dim_product') }}

),

per_product as (

    select
        product_key,
        count(distinct transaction_id) as transactions,
        count(*) as lines,
        cast(sum(quantity) as {{ dbt.type_bigint() }}) as units,
        {{ stable_sum('revenue') }} as revenue,
        min(sale_date) as first_sale_date,
        max(sale_date) as last_sale_date
    from sales
    group by product_key

)

select
    rank() over (order by per_product.revenue desc) as revenue_rank,
    rank() over (order by per_product.units desc) as units_rank,
    per_product.product_key,
    products.product_id,
    products.product_name,
    products.category,
    products.brand,
    per_product.transactions,
    per_product.lines,
    per_product.units,
    per_product.revenue,
    per_product.revenue / nullif(per_product.units, 0) as avg_revenue_per_unit,
    per_product.first_sale_date,
    per_product.last_sale_date
from per_product
left join products on per_product.product_key = products.product_key
