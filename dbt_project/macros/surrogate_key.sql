{#
    surrogate_key(['transaction_id', 'line_number'])

    A deterministic hash of the given columns (md5 as hex on every adapter, via
    dbt.hash). Nulls hash as a fixed token so (a, null) and (null, a) differ.
    Facts and dimensions must call it with the same columns so their keys match.
    Same contract as dbt_utils.generate_surrogate_key, without the package.
#}
{% macro surrogate_key(field_list) -%}
    {%- set fields = [] -%}
    {%- for field in field_list -%}
        {%- do fields.append(
            "coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), '_dbt_null_')"
        ) -%}
        {%- if not loop.last -%}
            {%- do fields.append("'-'") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(fields)) }}
{%- endmacro %}
