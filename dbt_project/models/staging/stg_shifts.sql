-- Worked shifts, with their length in hours.
with source as (

    select * from {{ source('silver', 'shifts') }}

),

renamed as (

    select
        cast(shift_id as {{ dbt.type_string() }}) as shift_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(store_id as {{ dbt.type_string() }}) as store_id,
        cast(shift_start as {{ dbt.type_timestamp() }}) as shift_start,
        cast(shift_end as {{ dbt.type_timestamp() }}) as shift_end,
        cast(shift_start as date) as shift_date,
        {{ hours_between('shift_start', 'shift_end') }} as shift_hours,

        {{ silver_lineage_columns() }}

    from source

)

select * from renamed
