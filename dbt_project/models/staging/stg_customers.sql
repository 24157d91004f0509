-- Customer master versions: one row per delivered version (customer_id, updated_at).
-- Versions are turned into SCD type 2 rows in int_customer_versions / dim_customer.
with source as (

    select * from {{ source('silver', 'customers') }}

),

renamed as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        email,
        first_name,
        last_name,
        loyalty_tier,
        region,
        country,
        cast(signup_date as date) as signup_date,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,

        {{ silver_lineage_columns() }}

    from source

)

select * from renamed
