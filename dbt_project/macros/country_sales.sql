{#
    Body of the v_country_sales_<cc> views: daily store sales of one store
    country (ISO code), from rpt_daily_sales. Online stores count in the country
    they sell from (ONLINE-UK is GB).
#}
{% macro country_sales(country_code) -%}
select
    sale_date,
    date_key,
    country,
    store_key,
    store_id,
    store_name,
    region,
    store_type,
    transactions,
    lines,
    units,
    customers,
    revenue,
    avg_sale_per_transaction
from {{ ref('rpt_daily_sales') }}
where country = '{{ country_code }}'
{%- endmacro %}
