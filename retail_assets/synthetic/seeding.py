"""Random streams keyed by (seed, date, purpose).

Every day draws from its own generators so that a day's files depend only on the
seed, the dimension universe and that date: generating one day alone gives the
same bytes as generating it inside a longer range.
"""

from __future__ import annotations

from datetime import date

import numpy as np

# One stream per purpose: changing how many defects are injected (or how many
# sales lines a day has) must not shift the draws of any other file.
VOLUME = 1
SALES = 2
DEFECTS = 3
CUSTOMER_CHANGES = 4
PRICE_CHANGES = 5
SHIFTS = 6
INVENTORY = 7
# Universe-level streams, only ever used with the universe start date.
UNIVERSE = 0
FAKER = 8
STOCK_PROFILE = 9


def day_rng(seed: int, day: date, stream: int) -> np.random.Generator:
    """Generator for one purpose on one day, independent of every other day."""
    return np.random.default_rng([seed, day.toordinal(), stream])


def universe_rng(seed: int, start: date) -> np.random.Generator:
    """Generator for the dimension universe, which depends only on seed and start date."""
    return day_rng(seed, start, UNIVERSE)
