-- Shown in Dagster as an asset check on fct_sales (a singular test with several parents needs the hint).
{{ config(meta={'dagster': {'ref': {'name': 'fct_sales'}}}) }}
-- Gold keeps every silver line once: for the deliveries (partition_date) gold
-- has processed, lines and revenue per sale_date in fct_sales equal silver's.
-- (Restricted to processed deliveries so a silver partition that gold has not
-- run yet does not fail the test.)
with processed as (

    select distinct partition_date from {{ ref('fct_sales') }}

),

silver as (

    select
        lines.sale_date,
        count(*) as lines,
        sum(lines.revenue) as revenue
    from {{ ref('stg_sales_lines') }} as lines
    inner join processed on processed.partition_date = lines.partition_date
    group by lines.sale_date

),

gold as (

    select sale_date, count(*) as lines, sum(revenue) as revenue
    from {{ ref('fct_sales') }}
    group by sale_date

)

select
    coalesce(silver.sale_date, gold.sale_date) as sale_date,
    silver.lines as silver_lines,
    gold.lines as gold_lines,
    silver.revenue as silver_revenue,
    gold.revenue as gold_revenue
from silver
full outer join gold on gold.sale_date = silver.sale_date
where silver.sale_date is null
    or gold.sale_date is null
    or silver.lines <> gold.lines
    or abs(silver.revenue - gold.revenue) > 0.005
