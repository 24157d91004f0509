"""Chart labels as plain text: plotly renders a subset of HTML in tick labels and hover text
(<b>, <br>, <a href>, entities), so a product or country name from an export would otherwise be
drawn as markup. Names are cleaned once, in every frame the page uses, so a filter value and the
label it matches stay equal."""

from __future__ import annotations

import html
import re
from dataclasses import fields, replace
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from retail_assets.reports.queries import DashboardData

TAG = re.compile(r"<[^<>]*>")
# Columns the page shows as text (axis labels, hover text, table cells, filter options).
LABEL_COLUMNS = ("country", "region", "store_name", "product_name", "category", "customer_id", "product_id")


def plain_text(value):
    """Entities decoded first (so '&lt;b&gt;' cannot come back as a tag), tags dropped, blanks collapsed."""
    if not isinstance(value, str):
        return value
    return " ".join(TAG.sub(" ", html.unescape(value)).split())


def plain_labels(data: DashboardData) -> DashboardData:
    """The same data with every label column of every frame as plain text."""
    cleaned = {}
    for f in fields(data):
        frame = getattr(data, f.name)
        if isinstance(frame, pd.DataFrame) and frame.columns.isin(LABEL_COLUMNS).any():
            frame = frame.copy()
            for column in frame.columns.intersection(LABEL_COLUMNS):
                frame[column] = frame[column].map(plain_text)
            cleaned[f.name] = frame
    return replace(data, **cleaned)
