"""ML layer: churn features/model/scores and the sales forecast, as Dagster assets (group `ml`)."""

from retail_assets.ml.assets import ml_asset_checks, ml_assets

__all__ = ["ml_assets", "ml_asset_checks"]
