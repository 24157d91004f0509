-- Reads silver directly, not stg_sales_lines: that view belongs to the daily
-- (partitioned) group in Dagster, and an unpartitioned model reading it would make
-- every run bounce between the two groups (see stg_sales_lines.sql).
-- Stores that appear on sale lines but not in the store master (ONLINE-UK, the
-- online-retail shop), with the attributes the sales_only_stores seed gives them.
-- A store the seed does not list takes what its lines say: the country most of
-- its lines are written with is its country (an online shop's home market) and,
-- lacking anything finer, its region; the rest is the explicit 'unknown'.
with lines as (

    select
        store_id,
        channel,
        sale_date,
        coalesce(nullif(trim(country), ''), 'unknown') as country_name
    from {{ source('silver', 'sales_lines') }}

),

master as (

    select distinct store_id from {{ ref('stg_stores') }}

),

per_store as (

    select
        store_id,
        -- a store sells through one channel; max() only picks one deterministically
        max(channel) as channel,
        min(sale_date) as first_sale_date,
        max(sale_date) as last_sale_date
    from lines
    group by store_id

),

main_country as (

    select
        store_id,
        country_name,
        row_number() over (partition by store_id order by count(*) desc, country_name) as rank_in_store
    from lines
    group by store_id, country_name

),

final as (

    select
        per_store.store_id,
        coalesce(known.store_name, per_store.store_id) as store_name,
        coalesce(known.country, country_codes.country_code, 'unknown') as country,
        coalesce(known.region, main_country.country_name, 'unknown') as region,
        coalesce(known.city, 'unknown') as city,
        coalesce(known.store_type, per_store.channel, 'unknown') as store_type,
        per_store.channel,
        per_store.first_sale_date,
        per_store.last_sale_date
    from per_store
    left join {{ ref('sales_only_stores') }} as known
        on per_store.store_id = known.store_id
    left join main_country
        on per_store.store_id = main_country.store_id and main_country.rank_in_store = 1
    left join {{ ref('country_codes') }} as country_codes
        on main_country.country_name = country_codes.country_name
    where not exists (
        select 1 from master
        where master.store_id = per_store.store_id
    )

)

select * from final
