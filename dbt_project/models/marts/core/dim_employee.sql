-- Employee dimension, one row per employee (latest delivery of the master).
-- employee_key = surrogate_key(employee_id), as in fct_sales.
with employee_rows as (

    select
        *,
        row_number() over (
            partition by employee_id
            order by partition_date desc, source_row_number desc
        ) as recency
    from {{ ref('stg_employees') }}

)

select
    {{ surrogate_key(['employee_id']) }} as employee_key,
    employee_id,
    first_name,
    last_name,
    {{ dbt.concat(["first_name", "' '", "last_name"]) }} as full_name,
    {{ surrogate_key(['store_id']) }} as store_key,
    store_id,
    role,
    hired_on,
    hourly_rate
from employee_rows
where recency = 1
