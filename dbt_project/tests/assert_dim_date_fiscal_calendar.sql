-- The fiscal calendar on known days (see the fiscal_calendar docs block):
-- FY starts 1 February and is named after the year it ends in.
with expected as (

    select 20260131 as date_key, 2026 as fiscal_year, 4 as fiscal_quarter, 12 as fiscal_month, 6 as day_of_week, true as is_weekend
    union all select 20260201, 2027, 1, 1, 7, true
    union all select 20260501, 2027, 2, 4, 5, false
    union all select 20261031, 2027, 3, 9, 6, true
    union all select 20261123, 2027, 4, 10, 1, false
    union all select 20270131, 2027, 4, 12, 7, true
    union all select 20101201, 2011, 4, 11, 3, false

)

select expected.*, actual.fiscal_year as actual_fiscal_year
from expected
left join {{ ref('dim_date') }} as actual
    on actual.date_key = expected.date_key
where actual.date_key is null
    or actual.fiscal_year <> expected.fiscal_year
    or actual.fiscal_quarter <> expected.fiscal_quarter
    or actual.fiscal_month <> expected.fiscal_month
    or actual.day_of_week <> expected.day_of_week
    or actual.is_weekend <> expected.is_weekend
