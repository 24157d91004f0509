{#
    The partition window of an incremental run.

    The orchestrator runs `dbt build --select tag:daily --event-time-start X
    --event-time-end Y` (not --vars: changing vars forces a full re-parse). The
    window is [start, end) on `partition_date`, the delivery (file) date of silver:
    a late line delivered in the window is re-processed with its true sale_date.

    partition_window() returns {'start': 'YYYY-MM-DD', 'end': 'YYYY-MM-DD'} or
    none when the flags are absent (first build, full refresh, a plain `dbt build`:
    everything is processed). An end with a time of day past midnight rounds up to
    the next day, so the day it falls in is included.
#}
{% macro partition_window() -%}
    {%- set args = invocation_args_dict -%}
    {%- set start = args.get('event_time_start') -%}
    {%- set end = args.get('event_time_end') -%}
    {%- if start is none or end is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return({'start': _window_day(start, false), 'end': _window_day(end, true)}) }}
{%- endmacro %}

{% macro _window_day(value, round_up) -%}
    {%- set dt = modules.datetime -%}
    {%- if value is string -%}
        {#- e.g. when read back from an environment variable -#}
        {%- set value = dt.datetime.fromisoformat(value[:19]) -%}
    {%- endif -%}
    {%- set day = value.date() if value.date is defined else value -%}
    {%- if round_up and value.time is defined and value.time() != dt.time(0, 0) -%}
        {%- set day = day + dt.timedelta(days=1) -%}
    {%- endif -%}
    {{ return(day.strftime('%Y-%m-%d')) }}
{%- endmacro %}

{#
    SQL predicate: `column` inside the window, or `1 = 1` when there is no window
    or the model is not running incrementally.
#}
{% macro partition_window_filter(column) -%}
    {%- set window = partition_window() -%}
    {%- if is_incremental() and window is not none -%}
        {{ column }} >= cast('{{ window.start }}' as date)
        and {{ column }} < cast('{{ window.end }}' as date)
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#
    pre_hook of fct_sales: before the merge, delete the target's rows delivered in
    the window, so a line that a corrected re-upload dropped disappears. Without a
    window an incremental run reprocesses everything, so it empties the table
    (kept, not dropped: BigQuery partitioning and grants stay). Renders nothing
    on the first build and on --full-refresh (dbt rebuilds the table then).
#}
{% macro delete_partition_window(column='partition_date') -%}
    {%- if is_incremental() -%}
        {%- set window = partition_window() -%}
        delete from {{ this }}
        where
        {%- if window is none %} true
        {%- else %} {{ column }} >= cast('{{ window.start }}' as date)
            and {{ column }} < cast('{{ window.end }}' as date)
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
