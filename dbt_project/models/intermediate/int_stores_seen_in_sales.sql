-- Reads silver directly, not stg_sales_lines: that view belongs to the daily
-- (partitioned) group in Dagster, and an unpartitioned model reading it would make
-- every run bounce between the two groups (see stg_sales_lines.sql).
-- Stores that appear on sale lines but not in the store master (ONLINE-UK, the
-- online-retail shop), with the attributes the sales_only_stores seed gives them.
with lines as (

    select
        store_id,
        channel,
        sale_date
    from {{ source('silver', 'sales_lines') }}

),

master as (

    select distinct store_id from {{ ref('stg_stores') }}

),

per_store as (

    select
        store_id,
        -- a store sells through one channel; max() only picks one deterministically
        max(channel) as channel,
        min(sale_date) as first_sale_date,
        max(sale_date) as last_sale_date
    from lines
    group by store_id

),

final as (

    select
        per_store.store_id,
        coalesce(known.store_name, per_store.store_id) as store_name,
        known.country,
        known.region,
        known.city,
        coalesce(known.store_type, per_store.channel) as store_type,
        per_store.channel,
        per_store.first_sale_date,
        per_store.last_sale_date
    from per_store
    left join {{ ref('sales_only_stores') }} as known
        on per_store.store_id = known.store_id
    where not exists (
        select 1 from master
        where master.store_id = per_store.store_id
    )

)

select * from final
