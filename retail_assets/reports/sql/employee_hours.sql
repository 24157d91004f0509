-- Hours worked per employee over all shifts (gold.rpt_employee_productivity), with the
-- wage bill at the employee's hourly rate so a store manager can set it against sales.
SELECT
    p.store_id,
    p.employee_id,
    p.full_name,
    p.role,
    e.hourly_rate,
    p.shifts,
    round(p.hours_worked, 2) AS hours_worked,
    round(p.hours_worked * e.hourly_rate, 2) AS labour_cost,
    p.first_shift_date,
    p.last_shift_date,
    p.transactions,
    round(p.revenue, 2) AS revenue,
    round(p.sales_per_hour_worked, 2) AS sales_per_hour_worked
FROM gold.rpt_employee_productivity AS p
LEFT JOIN gold.dim_employee AS e ON e.employee_key = p.employee_key
ORDER BY p.store_id, p.employee_id
