-- Reads silver directly, not stg_sales_lines: that view belongs to the daily
-- (partitioned) group in Dagster, and an unpartitioned model reading it would make
-- every run bounce between the two groups (see stg_sales_lines.sql).
-- Customers that appear on sale lines but have no row in the customer master:
-- the real online-retail export has its own customer ids. Each gets one
-- dim_customer version (record_source 'sales_only') so every non-guest sale
-- joins a customer. Country: the latest country name seen on their lines,
-- mapped to an ISO code through the country_codes seed.
with lines as (

    select
        customer_id,
        country,
        sold_at,
        transaction_id
    from {{ source('silver', 'sales_lines') }}
    where customer_id is not null

),

master as (

    select distinct customer_id from {{ ref('stg_customers') }}

),

per_customer as (

    select
        customer_id,
        min(sold_at) as first_sold_at,
        max(sold_at) as last_sold_at
    from lines
    group by customer_id

),

latest_country as (

    select
        customer_id,
        country as country_name,
        row_number() over (
            partition by customer_id
            order by sold_at desc, transaction_id desc, country asc
        ) as recency
    from lines
    where country is not null

),

final as (

    select
        per_customer.customer_id,
        latest_country.country_name,
        country_codes.country_code,
        per_customer.first_sold_at,
        per_customer.last_sold_at
    from per_customer
    left join latest_country
        on
            per_customer.customer_id = latest_country.customer_id
            and latest_country.recency = 1
    left join {{ ref('country_codes') }} as country_codes
        on latest_country.country_name = country_codes.country_name
    where not exists (
        select 1 from master
        where master.customer_id = per_customer.customer_id
    )

)

select * from final
