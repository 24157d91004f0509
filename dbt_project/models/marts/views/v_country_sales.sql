-- All country sales views in one: one row per (sale_date, store) for GB, US and CA.
{%- set country_views = ['v_country_sales_gb', 'v_country_sales_us', 'v_country_sales_ca'] %}
{% for view in country_views %}
    select * from {{ ref(view) }}
    {% if not loop.last %}union all{% endif %}
{%- endfor %}
