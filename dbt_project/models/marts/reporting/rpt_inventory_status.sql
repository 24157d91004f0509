-- Stock position per store and product at the store's latest snapshot:
-- needs_reorder when on_hand < reorder_point; days_of_cover = on_hand / average
-- daily net units sold over the 28 days up to and including the snapshot
-- date (null when nothing sold in that period).
{%- set lookback_days = 28 %}
with snapshots as (

    select * from {{ ref('stg_inventory') }}

),

latest_per_store as (

    select
        store_id,
        max(snapshot_date) as snapshot_date
    from snapshots
    group by store_id

),

latest as (

    select snapshots.*
    from snapshots
    inner join latest_per_store
        on
            snapshots.store_id = latest_per_store.store_id
            and snapshots.snapshot_date = latest_per_store.snapshot_date

),

recent_sales as (

    select
        latest.store_id,
        latest.product_id,
        sum(sales.quantity) as units_sold
    from latest
    inner join {{ ref('fct_sales') }} as sales
        on
            latest.store_id = sales.store_id
            and latest.product_id = sales.product_id
            and latest.snapshot_date >= sales.sale_date
            and sales.sale_date > cast({{ dbt.dateadd('day', -lookback_days, 'latest.snapshot_date') }} as date)
    group by latest.store_id, latest.product_id

),

final as (

    select
        {{ surrogate_key(['latest.store_id']) }} as store_key,
        {{ surrogate_key(['latest.product_id']) }} as product_key,
        latest.store_id,
        latest.product_id,
        latest.snapshot_date,
        latest.on_hand,
        latest.reorder_point,
        latest.on_hand < latest.reorder_point as needs_reorder,
        coalesce(recent_sales.units_sold, 0) as units_sold_last_{{ lookback_days }}_days,
        cast(coalesce(recent_sales.units_sold, 0) as {{ type_double() }}) / {{ lookback_days }} as avg_daily_units_sold,
        case
            when coalesce(recent_sales.units_sold, 0) > 0
                then latest.on_hand / (cast(recent_sales.units_sold as {{ type_double() }}) / {{ lookback_days }})
        end as days_of_cover
    from latest
    left join recent_sales
        on
            latest.store_id = recent_sales.store_id
            and latest.product_id = recent_sales.product_id

)

select
    final.*,
    stores.store_name,
    products.product_name,
    products.category
from final
left join {{ ref('dim_store') }} as stores on final.store_key = stores.store_key
left join {{ ref('dim_product') }} as products on final.product_key = products.product_key
