"""Generated gold data for the ML tests: built once per session (~2 s), never read from outside the repo."""

from datetime import date

import pytest

from retail_assets_tests.ml.synthetic import GoldFrames, simulate_gold

START = date(2026, 1, 5)


@pytest.fixture(scope="session")
def gold_frames() -> GoldFrames:
    """120 days, 2,000 customers with the generator's planted churners (seed 7)."""
    return simulate_gold(START, 120, seed=7, lines_per_day=2000, n_customers=2000)
