-- Calendar dimension, one row per day from 2010-01-01 to 2030-12-31 (covers the
-- real 2010 online-retail export and the chain's current data).
--
-- Fiscal calendar (see the `fiscal_calendar` docs block): the fiscal year starts
-- on 1 February and is named after the calendar year in which it ends
-- (FY2027 = 2026-02-01 .. 2027-01-31), fiscal quarters are Feb-Apr, May-Jul,
-- Aug-Oct, Nov-Jan. This is the usual retail year (it ends after the holiday
-- season); change it here in one place if finance decides otherwise.
{%- set first_day = '2010-01-01' %}
{%- set last_day = '2030-12-31' %}

with spine as (

    {{ calendar_spine(first_day, last_day) }}

),

parts as (

    select
        date_day,
        cast(extract(year from date_day) as {{ dbt.type_int() }}) as calendar_year,
        cast(extract(quarter from date_day) as {{ dbt.type_int() }}) as calendar_quarter,
        cast(extract(month from date_day) as {{ dbt.type_int() }}) as month_of_year,
        cast(extract(day from date_day) as {{ dbt.type_int() }}) as day_of_month,
        cast(extract(dayofyear from date_day) as {{ dbt.type_int() }}) as day_of_year,
        {{ iso_day_of_week('date_day') }} as day_of_week,
        {{ iso_week('date_day') }} as iso_week,
        {{ iso_year('date_day') }} as iso_year,
        {{ day_name('date_day') }} as day_name,
        {{ month_name('date_day') }} as month_name
    from spine

),

fiscal as (

    select
        *,
        -- months since the start of the fiscal year, 1 = February ... 12 = January
        mod(month_of_year + 10, 12) + 1 as fiscal_month,
        calendar_year + case when month_of_year >= 2 then 1 else 0 end as fiscal_year
    from parts

)

select
    {{ date_key('date_day') }} as date_key,
    date_day,
    calendar_year,
    calendar_quarter,
    {{ dbt.concat(["'Q'", "cast(calendar_quarter as " ~ dbt.type_string() ~ ")"]) }} as quarter_name,
    month_of_year,
    month_name,
    cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
    day_of_month,
    day_of_year,
    day_of_week,
    day_name,
    cast({{ dbt.dateadd('day', '1 - day_of_week', 'date_day') }} as date) as week_start_date,
    iso_week,
    iso_year,
    day_of_week in (6, 7) as is_weekend,
    fiscal_year,
    case
        when fiscal_month <= 3 then 1
        when fiscal_month <= 6 then 2
        when fiscal_month <= 9 then 3
        else 4
    end as fiscal_quarter,
    fiscal_month
from fiscal
