"""Generated landing folders shared by the source tests (generated once per session)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from retail_assets.synthetic.generate import generate

CLEAN_START = date(2026, 10, 1)
CLEAN_DAYS = 30
DIRTY_START = date(2026, 11, 26)  # spans Black Friday
DIRTY_DAYS = 4


@pytest.fixture(scope="session")
def clean_month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 days at default volume without any defect."""
    landing = tmp_path_factory.mktemp("clean_month")
    generate(landing, CLEAN_START, CLEAN_DAYS, seed=42, defect_rate=0.0)
    return landing


@pytest.fixture(scope="session")
def dirty_days(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few days with a high defect rate, so every kind shows up."""
    landing = tmp_path_factory.mktemp("dirty_days")
    generate(landing, DIRTY_START, DIRTY_DAYS, seed=7, defect_rate=0.05)
    return landing
