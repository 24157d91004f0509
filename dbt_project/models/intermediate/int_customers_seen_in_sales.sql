-- Reads silver directly, not stg_sales_lines: that view belongs to the daily
-- (partitioned) group in Dagster, and an unpartitioned model reading it would make
-- every run bounce between the two groups (see stg_sales_lines.sql).
-- Customers that appear on sale lines but have no row in the customer master:
-- the real online-retail export has its own customer ids. One row per country
-- spell: a customer whose lines change country gets a new row from the first
-- sale in the new country, so dim_customer keeps the history (SCD type 2).
-- Country names map to ISO codes through the country_codes seed; a missing or
-- unmapped country is the explicit 'unknown', never null.
with lines as (

    select
        customer_id,
        sold_at,
        coalesce(nullif(trim(country), ''), 'unknown') as country_name
    from {{ source('silver', 'sales_lines') }}
    where customer_id is not null

),

master as (

    select distinct customer_id from {{ ref('stg_customers') }}

),

-- one country per customer and moment: two countries on one timestamp (dirt)
-- must not open two versions with the same valid_from
moments as (

    select
        customer_id,
        sold_at,
        min(country_name) as country_name
    from lines
    group by customer_id, sold_at

),

compared as (

    select
        *,
        lag(country_name) over (partition by customer_id order by sold_at) as previous_country_name
    from moments

),

spells as (

    select
        customer_id,
        country_name,
        sold_at as spell_started_at
    from compared
    where previous_country_name is null or previous_country_name <> country_name

),

per_customer as (

    select
        customer_id,
        min(sold_at) as first_sold_at,
        max(sold_at) as last_sold_at
    from moments
    group by customer_id

),

final as (

    select
        spells.customer_id,
        spells.country_name,
        coalesce(country_codes.country_code, 'unknown') as country_code,
        spells.spell_started_at,
        per_customer.first_sold_at,
        per_customer.last_sold_at
    from spells
    inner join per_customer on spells.customer_id = per_customer.customer_id
    left join {{ ref('country_codes') }} as country_codes
        on spells.country_name = country_codes.country_name
    where not exists (
        select 1 from master
        where master.customer_id = spells.customer_id
    )

)

select * from final
