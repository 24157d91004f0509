-- Employee master rows as delivered (dim_employee keeps the latest delivery).
with source as (

    select * from {{ source('silver', 'employees') }}

),

renamed as (

    select
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        first_name,
        last_name,
        cast(store_id as {{ dbt.type_string() }}) as store_id,
        role,
        cast(hired_on as date) as hired_on,
        cast(hourly_rate as {{ type_double() }}) as hourly_rate,

        {{ silver_lineage_columns() }}

    from source

)

select * from renamed
