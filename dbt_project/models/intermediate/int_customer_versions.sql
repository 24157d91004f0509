-- Customer versions, SCD type 2: one row per customer VERSION (dim_customer is
-- this view stored as a table). A view over silver, so it is always current:
-- fct_sales looks its customer_key up here, and a day's facts never depend on
-- whether dim_customer has been rebuilt yet (Dagster's automation runs the
-- unpartitioned dimensions and the daily facts as separate runs).
--
--  * Versions come from the customer master (stg_customers, one row per
--    delivered version). A delivery whose tracked attributes equal the previous
--    version's is an unchanged re-delivery and does not open a new version.
--  * A version is valid from its updated_at (a timestamp: two changes on one day
--    are two versions) until the next version's updated_at (exclusive); the
--    current version has valid_to null. The first version is valid from
--    1900-01-01 so that every sale, even one made before the first delivery, joins.
--  * Customers seen only in sales (online retail) get one version per country
--    spell (int_customers_seen_in_sales), record_source 'sales_only'. What the
--    export does not carry (name, e-mail, loyalty tier, region) is the explicit
--    'unknown', so no join or feature trips over a null; signup_date stays null
--    (a date cannot say unknown; features use the first purchase instead).
--  * customer_key = surrogate_key(customer_id, valid_from): stable for a version
--    once it exists (a later version only closes it). fct_sales takes the version
--    with sold_at >= valid_from and (valid_to is null or sold_at < valid_to).
{%- set tracked = ['email', 'first_name', 'last_name', 'loyalty_tier', 'region', 'country', 'signup_date'] %}
{%- set beginning_of_time = "cast('1900-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")" %}

with deliveries as (

    select
        customer_id,
        {{ tracked | join(',\n        ') }},
        updated_at,
        partition_date,
        source_file,
        source_row_number,
        {{ surrogate_key(tracked) }} as attributes_hash
    from {{ ref('stg_customers') }}

),

compared as (

    select
        *,
        lag(attributes_hash) over (
            partition by customer_id
            order by updated_at, partition_date, source_row_number
        ) as previous_attributes_hash
    from deliveries

),

master_versions as (

    -- keep the first delivery and every delivery that changed something
    select
        customer_id,
        {{ tracked | join(',\n        ') }},
        cast(null as {{ dbt.type_string() }}) as country_name,
        cast(null as {{ dbt.type_timestamp() }}) as first_seen_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_seen_at,
        updated_at,
        partition_date,
        source_file,
        'master' as record_source
    from compared
    where
        previous_attributes_hash is null
        or previous_attributes_hash <> attributes_hash

),

sales_only_versions as (

    select
        customer_id,
        'unknown' as email,
        'unknown' as first_name,
        'unknown' as last_name,
        'unknown' as loyalty_tier,
        'unknown' as region,
        country_code as country,
        cast(null as date) as signup_date,
        country_name,
        first_sold_at as first_seen_at,
        last_sold_at as last_seen_at,
        spell_started_at as updated_at,
        cast(null as date) as partition_date,
        cast(null as {{ dbt.type_string() }}) as source_file,
        'sales_only' as record_source
    from {{ ref('int_customers_seen_in_sales') }}

),

versions as (

    select * from master_versions
    union all
    select * from sales_only_versions

),

numbered as (

    select
        *,
        row_number() over (
            partition by customer_id order by updated_at, partition_date
        ) as version_number,
        lead(updated_at) over (
            partition by customer_id order by updated_at, partition_date
        ) as next_updated_at
    from versions

),

scd as (

    select
        *,
        case
            when version_number = 1 then {{ beginning_of_time }}
            else updated_at
        end as valid_from,
        next_updated_at as valid_to
    from numbered

),

final as (

    select
        {{ surrogate_key(['customer_id', 'valid_from']) }} as customer_key,
        customer_id,
        version_number,
        valid_from,
        valid_to,
        valid_to is null as is_current,
        email,
        first_name,
        last_name,
        loyalty_tier,
        region,
        country,
        country_name,
        signup_date,
        first_seen_at,
        last_seen_at,
        updated_at as source_updated_at,
        record_source,
        partition_date,
        source_file
    from scd

)

select * from final
