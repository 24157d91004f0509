{#
    Window logic of fct_orders (transaction grain). An order's lines may have been
    delivered on several days, so an order "is in" the window when the range
    [first_partition_date, last_partition_date] overlaps it.
#}
{% macro orders_overlapping_window() -%}
    {%- set window = partition_window() -%}
    {%- if window is none -%}
        1 = 1
    {%- else -%}
        last_partition_date >= cast('{{ window.start }}' as date)
        and first_partition_date < cast('{{ window.end }}' as date)
    {%- endif -%}
{%- endmacro %}

{#
    pre_hook of fct_orders: before the merge, delete the orders of the window that
    no longer have any line in fct_sales (a corrected re-upload dropped them).
    Orders that still have lines are rewritten by the merge. Without a window an
    incremental run rebuilds every order, so it empties the table first. Renders
    nothing on the first build and on --full-refresh.
#}
{% macro delete_vanished_orders() -%}
    {%- if is_incremental() -%}
        {%- set window = partition_window() -%}
        delete from {{ this }}
        where
        {%- if window is none %} true
        {%- else %} {{ orders_overlapping_window() }}
            and transaction_id not in (select transaction_id from {{ ref('fct_sales') }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
