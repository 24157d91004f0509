{#
    sum() of a DOUBLE money/hours expression, rounded to 4 decimals.

    A sum of doubles depends on the order rows are added in, and DuckDB adds in
    parallel (threads: 4), so the same rebuild can differ in the 15th digit; a
    re-run backfill must give bit-identical gold tables (same checksums).
    Prices have 2 decimals and discounts at most 2 (0.15), so every true amount
    has at most 4 decimals and rounding to 4 removes only the noise.
    `+ 0` turns the -0.0 that rounding leaves when a sale and its cancellation net to
    a tiny negative noise into 0.0: the value is equal either way, but its text (and
    every checksum) would flip with the order the threads added in.
#}
{% macro stable_sum(expr, scale=4) -%}
    (round(sum({{ expr }}), {{ scale }}) + 0)
{%- endmacro %}

{# avg() of a DOUBLE, rounded the same way (discounts: 6 decimals). #}
{% macro stable_avg(expr, scale=6) -%}
    (round(avg({{ expr }}), {{ scale }}) + 0)
{%- endmacro %}
