-- Daily stock snapshots: one row per (snapshot_date, store_id, product_id).
with source as (

    select * from {{ source('silver', 'inventory') }}

),

renamed as (

    select
        cast(snapshot_date as date) as snapshot_date,
        cast(store_id as {{ dbt.type_string() }}) as store_id,
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(on_hand as {{ dbt.type_bigint() }}) as on_hand,
        cast(reorder_point as {{ dbt.type_bigint() }}) as reorder_point,

        {{ silver_lineage_columns() }}

    from source

)

select * from renamed
