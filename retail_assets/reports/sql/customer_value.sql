-- Customers with spend in the last 8 weeks: current spend against the churn model's
-- predicted value for the next horizon (ml.customer_scores). VIP-potential and high-value
-- customers first, then a hash-spread sample, so a large chain's page stays light.
SELECT
    c.customer_id,
    coalesce(f.main_store_region, 'Unknown') AS region,
    c.monetary AS current_spend,
    c.expected_value AS predicted_value,
    c.churn_probability,
    c.vip_potential,
    c.high_value,
    c.loyalty_tier
FROM ml.customer_scores AS c
LEFT JOIN ml.customer_features AS f ON f.customer_id = c.customer_id
WHERE c.monetary > 0
ORDER BY c.vip_potential DESC, c.high_value DESC, hash(c.customer_id), c.customer_id
LIMIT ?
