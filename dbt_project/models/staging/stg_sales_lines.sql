-- Tagged daily: in Dagster this view sits in the partitioned group with fct_sales,
-- so a run of silver/sales_lines + fct_sales for some days orders them directly
-- (an unselected view in between would not order the steps).
{{ config(tags=['daily']) }}

-- One row per sale line, as silver holds it (silver already typed, validated
-- and deduplicated it): column names kept, types pinned for both adapters.
with source as (

    select * from {{ source('silver', 'sales_lines') }}

),

renamed as (

    select
        -- ids
        cast(transaction_id as {{ dbt.type_string() }}) as transaction_id,
        cast(line_number as {{ dbt.type_bigint() }}) as line_number,
        cast(store_id as {{ dbt.type_string() }}) as store_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(product_id as {{ dbt.type_string() }}) as product_id,

        -- when
        cast(sold_at as {{ dbt.type_timestamp() }}) as sold_at,
        cast(sale_date as date) as sale_date,

        -- what
        product_name,
        cast(quantity as {{ dbt.type_bigint() }}) as quantity,
        cast(unit_price as {{ type_double() }}) as unit_price,
        cast(coalesce(discount, 0) as {{ type_double() }}) as discount,
        cast(revenue as {{ type_double() }}) as revenue,
        is_cancellation,
        is_guest,
        line_type,
        payment_method,
        channel,
        country,

        -- lineage
        {{ silver_lineage_columns() }}

    from source

)

select * from renamed
