-- Shown in Dagster as an asset check on fct_sales, the model whose dates it guards
-- (a singular test with several parents needs the hint; dim_date is upstream of fct_sales).
{{ config(meta={'dagster': {'ref': {'name': 'fct_sales'}}}) }}
-- dim_date covers 2010-01-01 .. 2030-12-31 without a gap: as many days as the
-- span (7670) and every sale date of fct_sales has a calendar day.
with stats as (

    select
        count(*) as days,
        min(date_day) as first_day,
        max(date_day) as last_day
    from {{ ref('dim_date') }}

)

select 'spine' as problem, cast(days as {{ dbt.type_string() }}) as detail
from stats
where days <> 7670
    or first_day <> cast('2010-01-01' as date)
    or last_day <> cast('2030-12-31' as date)

union all

select 'sale date outside the calendar', cast(sales.sale_date as {{ dbt.type_string() }})
from (select distinct sale_date from {{ ref('fct_sales') }}) as sales
left join {{ ref('dim_date') }} as calendar on calendar.date_day = sales.sale_date
where calendar.date_day is null
