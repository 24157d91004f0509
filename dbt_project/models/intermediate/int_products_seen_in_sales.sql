-- Reads silver directly, not stg_sales_lines: that view belongs to the daily
-- (partitioned) group in Dagster, and an unpartitioned model reading it would make
-- every run bounce between the two groups (see stg_sales_lines.sql).
-- Products that appear on sale lines but not in the product master: the
-- online-retail stock codes (and its non-product codes such as POST or M).
-- Name: the latest non-empty product_name written on their lines ('unknown' if
-- none ever was); earlier names are in int_product_names_seen_in_sales.
with lines as (

    select
        product_id,
        product_name,
        line_type,
        sold_at,
        transaction_id,
        line_number
    from {{ source('silver', 'sales_lines') }}

),

master as (

    select distinct product_id from {{ ref('stg_products') }}

),

per_product as (

    select
        product_id,
        min(sold_at) as first_sold_at,
        max(sold_at) as last_sold_at,
        -- 'non_product' if any line says so (postage, fees, manual lines)
        max(case when line_type = 'non_product' then 1 else 0 end) = 1 as is_non_product
    from lines
    group by product_id

),

latest_name as (

    select
        product_id,
        product_name,
        row_number() over (
            partition by product_id
            order by sold_at desc, transaction_id desc, line_number desc
        ) as recency
    from lines
    where product_name is not null and trim(product_name) <> ''

),

final as (

    select
        per_product.product_id,
        coalesce(latest_name.product_name, 'unknown') as product_name,
        case when per_product.is_non_product then 'non_product' else 'product' end as line_type,
        per_product.first_sold_at,
        per_product.last_sold_at
    from per_product
    left join latest_name
        on
            per_product.product_id = latest_name.product_id
            and latest_name.recency = 1
    where not exists (
        select 1 from master
        where master.product_id = per_product.product_id
    )

)

select * from final
