{#- The lineage every silver table carries (which delivery a row came from),
    passed through unchanged by every staging view. -#}
{% macro silver_lineage_columns() -%}
        cast(partition_date as date) as partition_date,
        source_file,
        file_sha256,
        source_row_number
{%- endmacro %}
