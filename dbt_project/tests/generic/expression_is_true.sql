{#
    Every row satisfies a SQL boolean expression (rows where it is false or null
    fail). Use `config: where:` to restrict the rows checked. On a column the
    expression is written in full too.

        data_tests:
          - expression_is_true:
              arguments:
                expression: "revenue = quantity * unit_price * (1 - discount)"
#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce(({{ expression }}), false)

{% endtest %}
