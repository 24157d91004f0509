-- Lines and revenue per sale day, silver vs gold, for lines delivered in [$start, $end).
-- Both sides are filtered on the delivery date (partition_date): that is the slice a
-- gold_daily_models run rebuilds, so a delivery gold has not processed yet is not compared.
with silver as (

    select sale_date, count(*) as lines, sum(revenue) as revenue
    from silver.sales_lines
    where partition_date >= $start and partition_date < $end
    group by sale_date

),

gold as (

    select sale_date, count(*) as lines, sum(revenue) as revenue
    from gold.fct_sales
    where partition_date >= $start and partition_date < $end
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
