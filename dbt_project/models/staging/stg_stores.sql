-- Store master rows as delivered (a store may be re-delivered in later files;
-- dim_store keeps the latest delivery).
with source as (

    select * from {{ source('silver', 'stores') }}

),

renamed as (

    select
        cast(store_id as {{ dbt.type_string() }}) as store_id,
        store_name,
        country,
        region,
        city,
        store_type,
        cast(opened_on as date) as opened_on,

        {{ silver_lineage_columns() }}

    from source

)

select * from renamed
