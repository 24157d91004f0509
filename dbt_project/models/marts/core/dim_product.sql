-- Product dimension, one row per product (type 1: the latest master version).
-- Products seen only in sales (online-retail stock codes, postage and fee codes)
-- are added with the latest name written on their lines.
-- product_key = surrogate_key(product_id), the same expression fct_sales uses.
with master_versions as (

    select
        *,
        row_number() over (
            partition by product_id
            order by updated_at desc, partition_date desc, source_row_number desc
        ) as recency,
        count(*) over (partition by product_id) as versions_delivered
    from {{ ref('stg_products') }}

),

master as (

    select
        product_id,
        product_name,
        category,
        brand,
        unit_cost,
        list_price,
        'product' as product_type,
        updated_at as source_updated_at,
        versions_delivered,
        'master' as record_source
    from master_versions
    where recency = 1

),

sales_only as (

    select
        product_id,
        product_name,
        case when line_type = 'non_product' then 'Non-product' else 'Uncategorised' end as category,
        'unknown' as brand,
        -- prices stay null: a number cannot say unknown, and 0 would be a wrong margin
        cast(null as {{ type_double() }}) as unit_cost,
        cast(null as {{ type_double() }}) as list_price,
        line_type as product_type,
        cast(null as {{ dbt.type_timestamp() }}) as source_updated_at,
        0 as versions_delivered,
        'sales_only' as record_source
    from {{ ref('int_products_seen_in_sales') }}

),

unioned as (

    select * from master
    union all
    select * from sales_only

)

select
    {{ surrogate_key(['product_id']) }} as product_key,
    product_id,
    product_name,
    category,
    brand,
    unit_cost,
    list_price,
    list_price - unit_cost as unit_margin,
    product_type,
    source_updated_at,
    versions_delivered,
    record_source
from unioned
