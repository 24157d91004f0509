"""Reports people look at (group `reports`): CSV exports and the self-contained sales dashboard."""

from retail_assets.reports.assets import report_assets

__all__ = ["report_assets"]
