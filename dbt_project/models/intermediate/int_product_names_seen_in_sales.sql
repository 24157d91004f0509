-- Reads silver directly, not stg_sales_lines (see int_products_seen_in_sales.sql).
-- The history of the description written on a product's sale lines, SCD type 2:
-- a sales-only export renames products by writing a new description, and the
-- old name stays valid for the sales made under it. One row per name spell;
-- valid in [valid_from, valid_to), the current one has valid_to null.
with lines as (

    select
        product_id,
        sold_at,
        trim(product_name) as product_name
    from {{ source('silver', 'sales_lines') }}
    where product_name is not null and trim(product_name) <> ''

),

-- one name per product and moment, so a spell never starts twice at one timestamp
moments as (

    select
        product_id,
        sold_at,
        max(product_name) as product_name
    from lines
    group by product_id, sold_at

),

compared as (

    select
        *,
        lag(product_name) over (partition by product_id order by sold_at) as previous_product_name
    from moments

),

spells as (

    select
        product_id,
        product_name,
        sold_at as valid_from
    from compared
    where previous_product_name is null or previous_product_name <> product_name

),

final as (

    select
        product_id,
        product_name,
        valid_from,
        lead(valid_from) over (partition by product_id order by valid_from) as valid_to
    from spells

)

select
    product_id,
    product_name,
    valid_from,
    valid_to,
    valid_to is null as is_current
from final
