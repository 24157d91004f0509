-- Store dimension, one row per store: the latest delivery of the store master,
-- plus stores seen only in sales (ONLINE-UK: a British online store, from the
-- sales_only_stores seed). store_key = surrogate_key(store_id), as in fct_sales.
with master_rows as (

    select
        *,
        row_number() over (
            partition by store_id
            order by partition_date desc, source_row_number desc
        ) as recency
    from {{ ref('stg_stores') }}

),

master as (

    select
        store_id,
        store_name,
        country,
        region,
        city,
        store_type,
        opened_on,
        'master' as record_source
    from master_rows
    where recency = 1

),

sales_only as (

    select
        store_id,
        store_name,
        country,
        region,
        city,
        store_type,
        cast(null as date) as opened_on,
        'sales_only' as record_source
    from {{ ref('int_stores_seen_in_sales') }}

),

unioned as (

    select * from master
    union all
    select * from sales_only

)

select
    {{ surrogate_key(['store_id']) }} as store_key,
    store_id,
    store_name,
    country,
    region,
    city,
    store_type,
    store_type = 'online' as is_online,
    opened_on,
    record_source
from unioned
