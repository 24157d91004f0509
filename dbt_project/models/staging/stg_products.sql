-- Product master versions: one row per delivered version (product_id, updated_at).
with source as (

    select * from {{ source('silver', 'products') }}

),

renamed as (

    select
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        product_name,
        category,
        brand,
        cast(unit_cost as {{ type_double() }}) as unit_cost,
        cast(list_price as {{ type_double() }}) as list_price,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,

        {{ silver_lineage_columns() }}

    from source

)

select * from renamed
