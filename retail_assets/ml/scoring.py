"""Customer scores from a fitted churn pipeline (pure).

* churn_probability: the model's probability of no purchase in the next horizon.
* expected_value: revenue expected over the next horizon = 8-week revenue rate x horizon x (1 - churn).
* high_value: expected_value in the top HIGH_VALUE_QUANTILE share of customers.
* vip_potential: not high value yet, likely to stay (churn probability at most the buyers' median),
  big baskets (top 20 % avg_basket) but at most the median number of purchases: they buy a lot per
  visit and rarely; the segment to grow into VIPs. (Rarely is counted in purchases, not spend: with
  one-order customers a big basket *is* big spend, and "big basket, small spend" was empty on real data.)

Every threshold is a quantile of this scoring's own customers, so the segments follow the data: a
wholesaler's spend or a churn rate of 80 % (the real Online Retail export) moves the cut-offs, not
the segments' existence. `segment_thresholds` returns the cut-offs used, for the metadata.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retail_assets.ml.churn_model import score_customers
from retail_assets.ml.features import LOOKBACK_DAYS

HIGH_VALUE_QUANTILE = 0.8
BIG_BASKET_QUANTILE = 0.8


def segment_thresholds(features: pd.DataFrame, churn: np.ndarray, value: np.ndarray) -> dict:
    """The cut-offs of the segments, as quantiles over customers who bought in the look-back window."""
    buyers = (features["frequency"] > 0).to_numpy()
    if not buyers.any():
        return {"high_value_min": np.inf, "big_basket_min": np.inf, "frequency_median": 0.0, "stay_churn_max": 0.0}
    return {
        "high_value_min": float(np.quantile(value[buyers], HIGH_VALUE_QUANTILE)),
        "big_basket_min": float(features.loc[buyers, "avg_basket"].quantile(BIG_BASKET_QUANTILE)),
        "frequency_median": float(features.loc[buyers, "frequency"].median()),
        # likely to stay = the buyers' less risky half: the class-weighted model's probabilities rank
        # customers but are not calibrated rates, so a fixed 0.5 would mean different things on each data set
        "stay_churn_max": float(np.median(churn[buyers])),
    }


def build_scores(pipeline, features: pd.DataFrame, horizon_days: int, model_version: str) -> pd.DataFrame:
    churn = score_customers(pipeline, features)
    value = features["monetary"].to_numpy() / LOOKBACK_DAYS * horizon_days * (1 - churn)
    buyers = features["frequency"] > 0
    cut = segment_thresholds(features, churn, value)
    high_value = (value >= cut["high_value_min"]) & (value > 0)
    vip_potential = (
        ~high_value & buyers.to_numpy() & (churn <= cut["stay_churn_max"])
        & (features["avg_basket"].to_numpy() >= cut["big_basket_min"])
        & (features["frequency"].to_numpy() <= cut["frequency_median"])
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
