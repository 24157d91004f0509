{#
    Custom schemas are used as they are: `+schema: gold` builds into `gold`, not
    `<target schema>_gold` (dbt's default). Models without a custom schema go to
    the target's schema (DuckDB `main`, BigQuery RETAIL_BQ_DATASET).
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
