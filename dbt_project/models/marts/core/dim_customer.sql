-- Customer dimension, SCD type 2: one row per customer version. The logic lives
-- in int_customer_versions (see there); this is its stored copy for BI and ML.
select * from {{ ref('int_customer_versions') }}
