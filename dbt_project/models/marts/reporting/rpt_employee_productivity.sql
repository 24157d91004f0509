-- Productivity per employee over all time: hours worked (sum of shift lengths)
-- against the sales they rang up. sales_per_hour_worked = revenue / hours
-- worked. Employees without sales (stock clerks) have 0 sales; online sales
-- have no employee and are not counted.
with employees as (

    select * from {{ ref('dim_employee') }}

),

shifts as (

    select
        employee_id,
        count(*) as shifts,
        {{ stable_sum('shift_hours') }} as hours_worked,
        min(shift_date) as first_shift_date,
        max(shift_date) as last_shift_date
    from {{ ref('stg_shifts') }}
    group by employee_id

),

sales as (

    select
        employee_key,
        count(distinct transaction_id) as transactions,
        count(*) as lines,
        {{ stable_sum('revenue') }} as revenue
    from {{ ref('fct_sales') }}
    where employee_key is not null
    group by employee_key

)

select
    employees.employee_key,
    employees.employee_id,
    employees.full_name,
    employees.role,
    employees.store_key,
    employees.store_id,
    coalesce(shifts.shifts, 0) as shifts,
    coalesce(shifts.hours_worked, 0) as hours_worked,
    shifts.first_shift_date,
    shifts.last_shift_date,
    coalesce(sales.transactions, 0) as transactions,
    coalesce(sales.lines, 0) as lines,
    coalesce(sales.revenue, 0) as revenue,
    sales.revenue / nullif(shifts.hours_worked, 0) as sales_per_hour_worked,
    cast(sales.transactions as {{ type_double() }}) / nullif(shifts.hours_worked, 0) as transactions_per_hour_worked
from employees
left join shifts on employees.employee_id = shifts.employee_id
left join sales on employees.employee_key = sales.employee_key
