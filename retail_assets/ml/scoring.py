"""Customer scores from a fitted churn pipeline (pure).

* churn_probability: the model's probability of no purchase in the next horizon.
* expected_value: revenue expected over the next horizon = 8-week revenue rate x horizon x (1 - churn).
* high_value: expected_value in the top HIGH_VALUE_QUANTILE share of customers.
* vip_potential: not high value yet, likely to stay (churn < 0.5), big baskets (top 20 % avg_basket)
  but at most median spend: they buy a lot per visit and rarely; the segment to grow into VIPs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retail_assets.ml.churn_model import score_customers
from retail_assets.ml.features import LOOKBACK_DAYS

HIGH_VALUE_QUANTILE = 0.8
BIG_BASKET_QUANTILE = 0.8


def build_scores(pipeline, features: pd.DataFrame, horizon_days: int, model_version: str) -> pd.DataFrame:
    churn = score_customers(pipeline, features)
    value = features["monetary"].to_numpy() / LOOKBACK_DAYS * horizon_days * (1 - churn)
    buyers = features["frequency"] > 0
    high_cut = np.quantile(value[buyers], HIGH_VALUE_QUANTILE) if buyers.any() else np.inf
    basket_cut = features.loc[buyers, "avg_basket"].quantile(BIG_BASKET_QUANTILE) if buyers.any() else np.inf
    spend_median = features.loc[buyers, "monetary"].median() if buyers.any() else 0.0
    high_value = (value >= high_cut) & (value > 0)
    vip_potential = (
        ~high_value & buyers.to_numpy() & (churn < 0.5)
        & (features["avg_basket"].to_numpy() >= basket_cut) & (features["monetary"].to_numpy() <= spend_median)
    )
    return pd.DataFrame(
        {
            "customer_id": features["customer_id"],
            "scored_as_of": features["cutoff_date"],
            "churn_probability": churn,
            "expected_value": value,
            "high_value": high_value,
            "vip_potential": vip_potential,
            "recency_days": features["recency_days"],
            "monetary": features["monetary"],
            "loyalty_tier": features["loyalty_tier"],
            "model_version": model_version,
        }
    )
