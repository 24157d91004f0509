{#
    Cross-database helpers that dbt's own cross-database macros do not cover.
    Each dispatches on the adapter: a `bigquery__` branch and a `default__`
    branch (DuckDB, and standard SQL where possible).
#}

{# A double-precision float (dbt.type_float() is a 4-byte FLOAT on DuckDB). #}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double')()) }}
{%- endmacro %}
{% macro default__type_double() -%} double {%- endmacro %}
{% macro bigquery__type_double() -%} float64 {%- endmacro %}

{#
    Aggregate rows into a list of structs, ordered:
    DuckDB list_sort(list(struct_pack(...))), BigQuery array_agg(struct(...) order by ...).
    `fields` is a list of column names (or {'name': ..., 'expr': ...} dicts).
#}
{% macro array_of_structs(fields, order_by) -%}
    {{ return(adapter.dispatch('array_of_structs')(fields, order_by)) }}
{%- endmacro %}

{#
    DuckDB: list_sort() of the unordered list, not list(... order by ...): an ordered aggregate
    costs 3-4x more (a year of lines: ~4.5 s against ~1.5 s for fct_orders). Structs sort by
    their fields in order, so this is the order of `order_by` when it is the first field and
    unique within a group (line_number in a transaction); other calls are refused.
#}
{% macro default__array_of_structs(fields, order_by) -%}
    {%- set first = fields[0].name if fields[0] is mapping else fields[0] -%}
    {%- if first != order_by -%}
        {{ exceptions.raise_compiler_error("array_of_structs: order_by (" ~ order_by ~ ") must be the first field, not " ~ first) }}
    {%- endif -%}
    list_sort(list(struct_pack(
        {%- for f in fields %}
        {% if f is mapping %}{{ f.name }} := {{ f.expr }}{% else %}{{ f }} := {{ f }}{% endif %}{{ "," if not loop.last }}
        {%- endfor %}
    )))
{%- endmacro %}

{% macro bigquery__array_of_structs(fields, order_by) -%}
    array_agg(struct(
        {%- for f in fields %}
        {% if f is mapping %}{{ f.expr }} as {{ f.name }}{% else %}{{ f }} as {{ f }}{% endif %}{{ "," if not loop.last }}
        {%- endfor %}
    ) order by {{ order_by }})
{%- endmacro %}

{# Number of elements in a list / array. #}
{% macro array_size(expr) -%}
    {{ return(adapter.dispatch('array_size')(expr)) }}
{%- endmacro %}
{% macro default__array_size(expr) -%} len({{ expr }}) {%- endmacro %}
{% macro bigquery__array_size(expr) -%} array_length({{ expr }}) {%- endmacro %}

{# ISO day of week: 1 = Monday ... 7 = Sunday. #}
{% macro iso_day_of_week(date_expr) -%}
    {{ return(adapter.dispatch('iso_day_of_week')(date_expr)) }}
{%- endmacro %}
{% macro default__iso_day_of_week(date_expr) -%} cast(isodow({{ date_expr }}) as {{ dbt.type_int() }}) {%- endmacro %}
{% macro bigquery__iso_day_of_week(date_expr) -%} (mod(extract(dayofweek from {{ date_expr }}) + 5, 7) + 1) {%- endmacro %}

{# ISO 8601 week of the year (1..53) and its ISO year. #}
{% macro iso_week(date_expr) -%}
    {{ return(adapter.dispatch('iso_week')(date_expr)) }}
{%- endmacro %}
{% macro default__iso_week(date_expr) -%} cast(extract(week from {{ date_expr }}) as {{ dbt.type_int() }}) {%- endmacro %}
{% macro bigquery__iso_week(date_expr) -%} extract(isoweek from {{ date_expr }}) {%- endmacro %}

{% macro iso_year(date_expr) -%}
    {{ return(adapter.dispatch('iso_year')(date_expr)) }}
{%- endmacro %}
{% macro default__iso_year(date_expr) -%} cast(extract(isoyear from {{ date_expr }}) as {{ dbt.type_int() }}) {%- endmacro %}
{% macro bigquery__iso_year(date_expr) -%} extract(isoyear from {{ date_expr }}) {%- endmacro %}

{# English day and month names ('Monday', 'January'). #}
{% macro day_name(date_expr) -%}
    {{ return(adapter.dispatch('day_name')(date_expr)) }}
{%- endmacro %}
{% macro default__day_name(date_expr) -%} dayname({{ date_expr }}) {%- endmacro %}
{% macro bigquery__day_name(date_expr) -%} format_date('%A', {{ date_expr }}) {%- endmacro %}

{% macro month_name(date_expr) -%}
    {{ return(adapter.dispatch('month_name')(date_expr)) }}
{%- endmacro %}
{% macro default__month_name(date_expr) -%} monthname({{ date_expr }}) {%- endmacro %}
{% macro bigquery__month_name(date_expr) -%} format_date('%B', {{ date_expr }}) {%- endmacro %}

{# Integer yyyymmdd of a date: the key of dim_date. Plain arithmetic: portable. #}
{% macro date_key(date_expr) -%}
    cast(
        extract(year from {{ date_expr }}) * 10000
        + extract(month from {{ date_expr }}) * 100
        + extract(day from {{ date_expr }})
    as {{ dbt.type_int() }})
{%- endmacro %}

{# Hours between two timestamps, as a double (minutes / 60). #}
{% macro hours_between(start_expr, end_expr) -%}
    cast({{ dbt.datediff(start_expr, end_expr, 'minute') }} as {{ type_double() }}) / 60.0
{%- endmacro %}

{#
    A calendar of days from start to end (inclusive), one column `date_day`.
    Like dbt.date_spine, but the number of days is computed here at compile time
    (dbt.date_spine asks the warehouse, which needs a connection to compile).
#}
{% macro calendar_spine(start_date, end_date) -%}
    {%- set dt = modules.datetime -%}
    {%- set n_days = (dt.date.fromisoformat(end_date) - dt.date.fromisoformat(start_date)).days + 1 -%}
    with series as (
        {{ dbt.generate_series(n_days) }}
    )
    select cast({{ dbt.dateadd('day', 'generated_number - 1', "cast('" ~ start_date ~ "' as date)") }} as date) as date_day
    from series
    where generated_number <= {{ n_days }}
{%- endmacro %}
