{#
    The combination of the given columns is unique in the model
    (dbt_utils.unique_combination_of_columns without the package).

        data_tests:
          - unique_combination_of_columns:
              arguments:
                combination_of_columns: [transaction_id, line_number]
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as n_records
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
